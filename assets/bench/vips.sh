#!/bin/sh
# vips.sh times libvips on the same nine-photo card that
# BenchmarkPhotoPipeline processes, as the bar the Go pipeline is measured
# against (docs/BENCHMARKS.md, "Photo pipeline").
#
# For each of the nine 4032×3024 photos it makes the same two outputs as
# assets.Pipeline: a display JPEG fitting 1080×1080 and a 360×360 centre
# crop, quality 85, metadata stripped, two photos at a time (the pipeline's
# two workers). Two variants:
#   per photo  vipsthumbnail twice per photo (18 processes), as from a shell;
#   batched    two parallel processes per size, each given half the photos,
#              so libvips' start-up (about 70 ms of CPU per process here) is
#              paid 4 times instead of 18: closer to libvips as a library.
#
# The machine is shared and noisy, so the Go benchmark and both variants
# run in alternation, ROUNDS times, and medians are compared: each round
# is one BenchmarkPhotoPipeline run of 3 cards and 3 cards per variant.
#
# Needs: apt-get install -y libvips-tools hyperfine
# Usage: sh assets/bench/vips.sh [ROUNDS]   (from the repository root)
set -eu

rounds=${1:-6}
dir=${TMPDIR:-/tmp}/weigong-vips-bench
mkdir -p "$dir/out"
rm -f "$dir"/go.txt "$dir"/round-*.json

# The benchmark's own photos, written by the test helper, and its binary.
WEIGONG_BENCH_PHOTOS="$dir" go test -count=1 -run '^TestWriteBenchPhotos$' ./assets/ >/dev/null
go test -c -o "$dir/assets.test" ./assets/

out="-o $dir/out/%s-display.jpg[Q=85,strip]"
grid="--size 360x360 --smartcrop centre -o $dir/out/%s-grid.jpg[Q=85,strip]"
per_photo="ls $dir/photo-*.jpg | xargs -P 2 -I{} sh -c 'vipsthumbnail {} --size 1080x1080 $out && vipsthumbnail {} $grid'"
half() { ls "$dir"/photo-*.jpg | awk -v k="$1" 'NR % 2 == k' | tr '\n' ' '; }
batch() { echo "vipsthumbnail $1 --size 1080x1080 $out && vipsthumbnail $1 $grid"; }
batched="($(batch "$(half 0)")) & ($(batch "$(half 1)")) & wait"

vipsthumbnail --vips-version
for i in $(seq "$rounds"); do
	echo "round $i, load average $(cut -d' ' -f1-3 /proc/loadavg)"
	(cd assets && "$dir/assets.test" -test.run '^$' -test.bench 'PhotoPipeline$' -test.benchtime 3x) |
		grep '^BenchmarkPhotoPipeline' | tee -a "$dir/go.txt"
	hyperfine --style none --runs 3 --export-json "$dir/round-$i.json" \
		--command-name "per photo" "$per_photo" --command-name batched "$batched" >/dev/null
done

python3 - "$dir" <<'PY'
import glob, json, statistics, sys
d = sys.argv[1]
med = statistics.median
go = [l.split() for l in open(d + "/go.txt")]
wall = med(float(f[f.index("ms/card") - 1]) for f in go)
cpu = med(float(f[f.index("cpu-ms/op") - 1]) for f in go)
print("go pipeline      median %5.0f ms/card, CPU %5.0f ms/card (%d runs)" % (wall, cpu, len(go)))
runs = {}
for path in glob.glob(d + "/round-*.json"):
    for r in json.load(open(path))["results"]:
        runs.setdefault(r["command"], []).append(r)
for name, rs in runs.items():
    times = [t * 1000 for r in rs for t in r["times"]]
    cpus = [(r["user"] + r["system"]) * 1000 for r in rs]
    print("vips %-11s median %5.0f ms/card, CPU %5.0f ms/card (%d runs); go/vips wall %.2f, CPU %.2f"
          % (name, med(times), med(cpus), len(times), wall / med(times), cpu / med(cpus)))
PY
