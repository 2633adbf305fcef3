#!/bin/sh
# bench/scrub.sh SAMIZDAT - samizdat scrub against mat2 on the same corpus
# (tests/docs/corpus.sh: real producers' files with planted metadata), in
# the same run.  Prints, per format, what each tool handles and what it
# leaves behind (planted values exiftool or the raw bytes still show,
# content changed), then the throughput ratio samizdat/mat2 over the
# files both clean, copied BENCH_COPIES times (median of BENCH_ROUNDS,
# alternating).
# Goals: nothing left behind where mat2 leaves nothing; ratio >= 10.
# The corpus holds photos, video and recordings too (corpus_media.sh).
set -eu
S=$(realpath "${1:-build/samizdat}")
COPIES=${BENCH_COPIES:-20}
ROUNDS=${BENCH_ROUNDS:-3}
CORPUS_SH=$(cd "$(dirname "$0")/../tests/docs" && pwd)/corpus.sh
DIR=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/samizdat-bench.XXXXXX")
trap 'rm -rf "$DIR"' EXIT
cd "$DIR"
"$CORPUS_SH" orig >corpus.log 2>&1 || { cat corpus.log; exit 1; }

plain() {
	case $1 in
	*.docx|*.xlsx|*.pptx|*.odt|*.ods|*.odp|*.odg|*.odf|*.epub)
		cat "$1"; unzip -p "$1" 2>/dev/null ;;
	*.pdf) cat "$1"; qpdf --qdf --object-streams=disable "$1" - 2>/dev/null ;;
	*.wmv) cat "$1"; strings -el "$1" ;;
	*) cat "$1" ;;
	esac
}
# frames FILE - decoded video frames and audio samples, stream by stream
frames() { ffmpeg -v error -i "$1" -map 0:V? -map 0:a? -f framemd5 - 2>/dev/null |
	grep -v '^#' | md5sum; }
# pixels FILE - the picture decoded by the format's own tool
pixels() {
	case $1 in
	*.heic|*.avif) heif-convert "$1" "$DIR/px.png" >/dev/null 2>&1 ;;
	*.jxl) djxl "$1" "$DIR/px.png" >/dev/null 2>&1 ;;
	*.svg) rsvg-convert "$1" -o "$DIR/px.png" 2>/dev/null ;;
	*) convert "$1" "$DIR/px.png" 2>/dev/null ;;
	esac && convert "$DIR/px.png" rgba:- | md5sum
	rm -f "$DIR/px.png"
}
# left FILE ORIG - what a scrubbed file still carries: planted values seen
# by exiftool, in the raw bytes, and whether its content changed
left() {
	f=$1 o=$2
	[ -s "$f" ] || { echo "refused"; return; }
	e=$(exiftool -a -G1 -ee "$f" 2>/dev/null | grep -c PLANTED || true)
	r=$(plain "$f" | grep -ac PLANTED || true)
	c=same
	case $f in
	*.jpg|*.png|*.gif|*.tif|*.webp)
		[ "$(convert "$o" rgba:- 2>/dev/null | md5sum)" = \
		  "$(convert "$f" rgba:- 2>/dev/null | md5sum)" ] || c=CHANGED ;;
	*.pdf)
		[ "$(pdftotext "$o" - 2>/dev/null)" = "$(pdftotext "$f" - 2>/dev/null)" ] || c=CHANGED ;;
	*.mp3|*.flac|*.ogg|*.opus)
		[ "$(ffmpeg -v error -i "$o" -f s16le - | md5sum)" = \
		  "$(ffmpeg -v error -i "$f" -f s16le - | md5sum)" ] || c=CHANGED ;;
	*.mp4|*.mov|*.m4a|*.mkv|*.webm|*.avi|*.wmv|*.wav|*.aiff)
		[ "$(frames "$o")" = "$(frames "$f")" ] || c=CHANGED ;;
	*.heic|*.avif|*.jxl|*.bmp|*.ppm|*.pgm|*.svg)
		[ "$(pixels "$o")" = "$(pixels "$f")" ] || c=CHANGED ;;
	*.torrent)
		[ "$(transmission-show "$o" | grep Hash:)" = \
		  "$(transmission-show "$f" 2>/dev/null | grep Hash:)" ] || c=CHANGED ;;
	esac
	echo "exif:$e raw:$r content:$c"
}

mkdir sz mat
cp orig/* mat/
"$S" scrub -q -o sz orig/* 2>sz.err || true
(cd mat && mat2 ./* >/dev/null 2>../mat.err) || true
printf '%-14s %-36s %-36s\n' file samizdat mat2
worse=0
for o in orig/*; do
	n=${o#orig/}
	case $n in note.txt) continue ;; esac
	m="mat/${n%.*}.cleaned.${n##*.}"
	a=$(left "sz/$n" "$o"); b=$(left "$m" "$o")
	printf '%-14s %-36s %-36s\n' "$n" "$a" "$b"
	case $b in "exif:0 raw:0"*)
		case $a in "exif:0 raw:0"*) ;; *) worse=$((worse + 1)) ;; esac ;;
	esac
done
echo "formats where samizdat leaves something mat2 removes: $worse (goal 0)"

# Throughput: every tool over the same copies, one process each, of the
# files both clean (a file mat2 refuses costs it nothing, and would
# flatter it).
mkdir -p big
i=0
while [ $i -lt "$COPIES" ]; do
	for o in orig/*; do
		n=${o#orig/}
		case $n in note.txt|page.html) continue ;; esac
		[ -s "mat/${n%.*}.cleaned.${n##*.}" ] || continue
		cp "$o" "big/$i-$n"
	done
	i=$((i + 1))
done
bytes=$(du -sb big | cut -f1)
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
: >t.sz; : >t.mat
r=0
while [ $r -lt "$ROUNDS" ]; do
	rm -rf out-sz mat-run; mkdir out-sz; cp -r big mat-run
	/usr/bin/time -f %e -o t "$S" scrub -q -o out-sz big/* 2>/dev/null || true
	cat t >>t.sz
	(cd mat-run && /usr/bin/time -f %e -o ../t mat2 ./* >/dev/null 2>&1) || true
	cat t >>t.mat
	r=$((r + 1))
done
ts=$(median <t.sz); tm=$(median <t.mat)
echo "throughput over $(ls big | wc -l) files ($((bytes >> 10)) KiB): samizdat ${ts}s, mat2 ${tm}s"
awk -v s="$ts" -v m="$tm" 'BEGIN { printf "scrub speed ratio samizdat/mat2: %.1fx (goal >= 10)\n", m / (s > 0 ? s : 0.01) }'
