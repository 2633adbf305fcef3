#!/bin/sh
# scrub_media.sh - `samizdat scrub` on photos, video, recordings, plain
# images, drawings, torrents and style sheets made by real producers
# (tests/docs/corpus_media.sh), held to the tools that read them:
# exiftool and ffprobe find no planted value, heif-convert, djxl and
# ImageMagick decode the same pixels, ffmpeg the same frames and samples
# (framemd5, stream by stream), transmission-show the same infohash and
# files, xmllint a well-formed SVG; what must stay (rotation, chapter
# times, languages) stays.  (scrub.sh checks the same files for planted
# bytes and idempotence along with the rest of the corpus.)
MEDIA_SH=$(cd "$(dirname "$0")/../docs" && pwd)/corpus_media.sh
. "$(dirname "$0")/tap.sh"
S=$SAMIZDAT

"$MEDIA_SH" orig >corpus.log 2>&1 || { cat corpus.log; exit 1; }
mkdir clean
check "scrub writes a copy of every media file" "$S" scrub -q -o clean orig/*

none_planted() { ! exiftool -a -G1 -ee "$1" 2>/dev/null | grep PLANTED; }
for f in orig/*; do
	n=${f#orig/}
	check "$n: exiftool finds planted values in the original (the check can fail)" \
		sh -c "exiftool -a -G1 -ee '$f' | grep -q PLANTED || grep -aq PLANTED '$f'"
	check "$n: exiftool finds none in the scrubbed copy" none_planted "clean/$n"
done

# Photos: same pixels, no Exif/XMP items left, no GPS.
for f in phone.heic phone.avif; do
	check "$f: heif-convert decodes the same pixels" sh -c \
		"heif-convert orig/$f a.png >/dev/null && heif-convert clean/$f b.png >/dev/null && \
		 test \"\$(compare -metric AE a.png b.png null: 2>&1)\" = 0"
	check "$f: heif-info lists no metadata items" sh -c \
		"heif-info orig/$f | grep -q 'Exif:' && heif-info clean/$f | sed -n '/^metadata/,\$p' | grep -q none"
	fails "$f: exiftool finds no GPS" sh -c "exiftool -a -G1 clean/$f | grep -qi gps"
done
check "phone.heic: the thumbnail (which may show the uncropped photo) is gone" sh -c \
	"heif-info orig/phone.heic | grep -q thumbnail && ! heif-info clean/phone.heic | grep -q thumbnail"
for f in art.jxl recompressed.jxl; do
	check "$f: djxl decodes the same pixels" sh -c \
		"djxl orig/$f a.png >/dev/null 2>&1 && djxl clean/$f b.png >/dev/null 2>&1 && \
		 test \"\$(compare -metric AE a.png b.png null: 2>&1)\" = 0"
	fails "$f: exiftool finds no EXIF or XMP" sh -c \
		"exiftool -a -G1 clean/$f | grep -E '^\[(IFD0|ExifIFD|XMP|GPS)'"
done
check "recompressed.jxl: the compressed Exif box and the JPEG reconstruction data go" sh -c \
	"'$S' inspect orig/recompressed.jxl | grep -q 'compressed box: Exif' && \
	 '$S' inspect orig/recompressed.jxl | grep -q 'JPEG reconstruction data' && \
	 grep -aq brob orig/recompressed.jxl && ! grep -aEq 'brob|jbrd' clean/recompressed.jxl"
for f in scan.bmp scan.ppm scan.pgm; do
	check "$f: ImageMagick decodes the same pixels" sh -c \
		"test \"\$(compare -metric AE orig/$f clean/$f null: 2>&1)\" = 0"
done
check "scan.bmp: the hidden bytes and the trailer are gone, the header is consistent" \
	sh -c "test \$(stat -c %s clean/scan.bmp) -lt \$(stat -c %s orig/scan.bmp) && \
	       identify clean/scan.bmp >/dev/null && ! grep -aq PLANTED clean/scan.bmp"

# Video and sound: the same decoded frames and samples, stream by stream,
# and no tags.
for f in clip.mp4 phone.mov clip.mkv clip.webm clip.avi clip.wmv song.m4a \
	voice.wav voice.aiff; do
	check "$f: ffmpeg decodes the same frames and samples (framemd5)" sh -c \
		"frames() { ffmpeg -v error -i \"\$1\" -map 0:V? -map 0:a? -map 0:s? -f framemd5 - | grep -v '^#'; }; \
		 frames orig/$f >a.md5 && frames clean/$f >b.md5 && test -s a.md5 && cmp a.md5 b.md5"
	fails "$f: ffprobe finds no planted tag, location or creation time" sh -c \
		"ffprobe -v error -show_entries format_tags:stream_tags:chapter_tags -of compact \
		 clean/$f | grep -Ei 'PLANTED|location|creation_time|com.apple|encoder=Lav[fc][0-9]'"
done
check "clip.mp4: the packets are copied, not re-encoded (framemd5 of the streams as stored)" sh -c \
	"ffmpeg -v error -i orig/clip.mp4 -map 0:V -map 0:a -c copy -f framemd5 - | grep -v '^#' >a && \
	 ffmpeg -v error -i clean/clip.mp4 -map 0:V -map 0:a -c copy -f framemd5 - | grep -v '^#' >b && cmp a b"
check "clip.mp4: the timecode track (a time of day) is gone" sh -c \
	"ffprobe -v error -show_streams orig/clip.mp4 | grep -q tmcd && \
	 ! ffprobe -v error -show_streams clean/clip.mp4 | grep -q tmcd"
check "clip.mkv: the attachment is gone" sh -c \
	"ffprobe -v error -show_streams orig/clip.mkv | grep -q codec_type=attachment && \
	 ! ffprobe -v error -show_streams clean/clip.mkv | grep -q codec_type=attachment"
check "song.m4a: the cover picture (a JPEG with EXIF) is gone" sh -c \
	"ffprobe -v error -show_streams orig/song.m4a | grep -q attached_pic=1 && \
	 ! ffprobe -v error -show_streams clean/song.m4a | grep -q attached_pic=1"
for f in clip.mp4 clip.mkv; do
	check "$f: chapters keep their times and lose their titles" sh -c \
		"ffprobe -v error -show_chapters -of csv orig/$f | cut -d, -f4-7 >a && \
		 ffprobe -v error -show_chapters -of csv clean/$f | cut -d, -f4-7 >b && \
		 test -s a && cmp a b"
done
check "phone.mov: the rotation a phone recorded stays" sh -c \
	"ffprobe -v error -show_streams orig/phone.mov | grep -q 'rotation=-90' && \
	 ffprobe -v error -show_streams clean/phone.mov | grep -q 'rotation=-90'"
check "voice.wav: only fmt and data are left (no bext, INFO or iXML)" sh -c \
	"python3 -c \"
import struct,sys
d=open('clean/voice.wav','rb').read(); i=12; ids=[]
while i+8<=len(d):
    n=struct.unpack_from('<I',d,i+4)[0]; ids.append(d[i:i+4]); i+=8+n+(n&1)
sys.exit(0 if ids==[b'fmt ',b'data'] and i==len(d) else 1)\""
check "voice.aiff: only COMM and SSND are left (no ID3)" sh -c \
	"python3 -c \"
import struct,sys
d=open('clean/voice.aiff','rb').read(); i=12; ids=[]
while i+8<=len(d):
    n=struct.unpack_from('>I',d,i+4)[0]; ids.append(d[i:i+4]); i+=8+n+(n&1)
sys.exit(0 if sorted(ids)==[b'COMM',b'SSND'] else 1)\""

# The drawing: well-formed, no editor data, a linked file by name only,
# the embedded photo clean and the same.
check "drawing.svg: the scrubbed drawing is well-formed XML" xmllint --noout clean/drawing.svg
fails "drawing.svg: no Inkscape, Sodipodi, RDF or Dublin Core left" \
	grep -Eq 'inkscape|sodipodi|rdf:|dc:|<metadata' clean/drawing.svg
check "drawing.svg: a linked file keeps its name, not its path" sh -c \
	"grep -q 'xlink:href=\"logo.png\"' clean/drawing.svg && ! grep -q /home/ clean/drawing.svg"
# embedded SVG JPG - the photo an SVG embeds (base64), decoded into JPG
embedded() {
	python3 -c "
import base64, re, sys
s = open(sys.argv[1]).read()
m = re.search(r'data:image/jpeg;base64,([^\"]*)\"', s)
open(sys.argv[2], 'wb').write(base64.b64decode(re.sub(r'\s', '', m.group(1))))" "$1" "$2"
}
embedded_clean() {
	embedded orig/drawing.svg a.jpg && embedded clean/drawing.svg b.jpg &&
	exiftool a.jpg | grep -q PLANTED && ! exiftool b.jpg | grep -q PLANTED &&
	test "$(compare -metric AE a.jpg b.jpg null: 2>&1)" = 0
}
check "drawing.svg: the embedded photo lost its EXIF and decodes the same" embedded_clean
check "drawing.svg: it renders the same as the original (rsvg-convert)" sh -c \
	"rsvg-convert orig/drawing.svg -o a.png && rsvg-convert clean/drawing.svg -o b.png && \
	 test \"\$(compare -metric AE a.png b.png null: 2>&1)\" = 0"

# The torrent: the same swarm.
check "release.torrent: transmission-show gives the same infohash and files" sh -c \
	"transmission-show orig/release.torrent | grep -E 'Hash:|memo.txt|chart.png' >a && \
	 transmission-show clean/release.torrent | grep -E 'Hash:|memo.txt|chart.png' >b && \
	 test \$(wc -l <a) -eq 3 && cmp a b"
check "release.torrent: trackers and web seeds stay, comment and creator go" sh -c \
	"transmission-show clean/release.torrent >t && grep -q tracker.example.org t && \
	 grep -aq mirror.example.org/release/ clean/release.torrent && ! grep -q PLANTED t && \
	 grep -q 'Created by: *\$' t"

# The style sheet: the rules stay, the comments go.
check "style.css: every rule is still there, byte for byte" sh -c \
	"grep -v PLANTED orig/style.css >a && grep -v -e '^\$' -e 'margin: 0' clean/style.css >b && cmp a b && \
	 grep -Fqx 'body { margin: 0; font: 16px/1.4 serif;  }' clean/style.css"
fails "style.css: no comment is left" grep -q 'PLANTED' clean/style.css
finish
