#!/bin/sh
# vips.sh times libvips on the same nine-photo card that
# BenchmarkPhotoPipeline processes, as the bar the Go pipeline is measured
# against (docs/BENCHMARKS.md, "Photo pipeline").
#
# For each of the nine 4032×3024 photos it makes the same two outputs as
# assets.Pipeline: a display JPEG fitting 1080×1080 and a 360×360 centre
# crop, quality 85, metadata stripped, two photos at a time (the pipeline's
# two workers). hyperfine reports the median over RUNS runs.
#
# Needs: apt-get install -y libvips-tools hyperfine
# Usage: sh assets/bench/vips.sh [RUNS]   (from the repository root)
set -eu

runs=${1:-15}
dir=${TMPDIR:-/tmp}/weigong-vips-bench
mkdir -p "$dir/out"

# The benchmark's own photos, written by the test helper.
WEIGONG_BENCH_PHOTOS="$dir" go test -count=1 -run '^TestWriteBenchPhotos$' ./assets/ >/dev/null

card="ls $dir/photo-*.jpg | xargs -P 2 -I{} sh -c '\
vipsthumbnail {} --size 1080x1080 -o $dir/out/%s-display.jpg[Q=85,strip] && \
vipsthumbnail {} --size 360x360 --smartcrop centre -o $dir/out/%s-grid.jpg[Q=85,strip]'"

vipsthumbnail --vips-version
hyperfine --warmup 2 --runs "$runs" --export-json "$dir/vips.json" "$card"
python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['results'][0]; print('vips median ms/card: %.0f' % (r['median']*1000))" "$dir/vips.json"
