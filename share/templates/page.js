// Copies the distributor's contact to the clipboard on the share page.
document.getElementById('copy')?.addEventListener('click', async (e) => {
  const btn = e.currentTarget;
  try {
    await navigator.clipboard.writeText(btn.dataset.copy);
    btn.textContent = '已复制 Copied';
  } catch {
    const r = document.createRange();
    r.selectNodeContents(document.getElementById('contact'));
    const s = getSelection(); s.removeAllRanges(); s.addRange(r);
  }
});
