#!/bin/sh
# tests/docs/corpus_media.sh DIR - the photos, videos, recordings, plain
# images, drawings, torrents and style sheets of the corpus (corpus.sh
# runs it; the media tests run it alone), made by real producers with
# planted identifying metadata:
#   heif-enc: HEIC (with a thumbnail) and AVIF from a JPEG that exiftool
#     tagged (GPS, camera serial, XMP), as phones write them; exiftool tags
#     the HEIC again;
#   cjxl + exiftool: JPEG XL, from a PNG (Exif, XMP boxes) and from the
#     tagged JPEG (compressed Exif, JPEG reconstruction data);
#   ffmpeg: MP4, MOV, M4A, MKV, WebM, AVI, WMV with title, artist,
#     comment, location, creation time, a handler name, chapter titles, a
#     timecode track, a cover picture, an attachment; exiftool adds the
#     QuickTime keys an iPhone writes (location, make, model) and a
#     rotation;
#     WAV with Broadcast Wave bext and INFO, AIFF with ID3;
#   ImageMagick: BMP, PPM and plain PGM, given the comments, hidden bytes
#     and trailers other producers leave;
#   mktorrent: a torrent with a comment and a web seed.
# The Inkscape-style SVG, the iXML chunk and the style sheet are written
# here.  Every planted value contains PLANTED; no content does.
set -eu
out=$1
mkdir -p "$out"
cd "$out"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sz-corpus-media.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
et() { exiftool -q -q -overwrite_original "$@"; }
ff() { ffmpeg -v error -y "$@"; }

# Photos: a camera JPEG, then what a phone or converter makes of it.
convert -size 160x100 plasma:fractal -seed 11 -quality 90 "$tmp/cam.jpg"
et -Make="PLANTEDMake" -Model="PLANTEDModel" -SerialNumber="PLANTED123" \
	-GPSLatitude=48.8566 -GPSLatitudeRef=N -GPSLongitude=2.3522 \
	-GPSLongitudeRef=E -Artist="PLANTED Artist" \
	-XMP:Creator="PLANTED XmpCreator" "$tmp/cam.jpg"
heif-enc -q 60 -t 48 -o phone.heic "$tmp/cam.jpg" >/dev/null
et -Software="PLANTED Software" -XMP:Description="PLANTED description" \
	phone.heic
heif-enc -A -q 60 -o phone.avif "$tmp/cam.jpg" >/dev/null
convert -size 64x40 gradient:teal-white "$tmp/art.png"
cjxl --container=1 "$tmp/art.png" art.jxl >/dev/null 2>&1
et -Artist="PLANTED Artist" -XMP:Creator="PLANTED XmpCreator" art.jxl
cjxl "$tmp/cam.jpg" recompressed.jxl >/dev/null 2>&1
et -XMP:Title="PLANTED Title" recompressed.jxl

# Plain images: a GIMP-style comment, bytes hidden between the headers
# and the pixels, a trailer.
convert -size 60x40 gradient:orange-navy scan.ppm
sed -i '1a # CREATOR: GIMP PNM Filter Version 1.1 PLANTED' scan.ppm
convert -size 12x8 gradient:black-white -compress none scan.pgm
sed -i '1a # PLANTED scanner note' scan.pgm
convert -size 30x20 plasma:fractal -seed 3 BMP3:"$tmp/plain.bmp"
python3 - "$tmp/plain.bmp" scan.bmp <<'EOF'
import struct, sys
d = bytearray(open(sys.argv[1], 'rb').read())
off = struct.unpack_from('<I', d, 10)[0]
hidden = b'PLANTED hidden bytes'
d = d[:off] + hidden + d[off:] + b'PLANTED trailer'
struct.pack_into('<I', d, 10, off + len(hidden))
struct.pack_into('<I', d, 2, len(d))
struct.pack_into('<HH', d, 6, 0x504c, 0x4e54)   # reserved: "PLNT"
open(sys.argv[2], 'wb').write(d)
EOF

# Video, as cameras and editors leave it.
cat >"$tmp/chapters.txt" <<'EOF'
;FFMETADATA1
title=PLANTED Title
[CHAPTER]
TIMEBASE=1/1000
START=0
END=1000
title=PLANTED Chapter One
[CHAPTER]
TIMEBASE=1/1000
START=1000
END=2000
title=PLANTED Chapter Two
EOF
tags='-metadata artist=PLANTED_Artist -metadata comment=PLANTED_Comment
 -metadata location=+48.8566+002.3522/ -metadata creation_time=2024-03-02T11:00:00Z
 -metadata:s:v handler_name=PLANTED_Handler'
video="-f lavfi -i testsrc=size=96x64:rate=10:duration=2"
audio="-f lavfi -i sine=frequency=440:duration=2"
# shellcheck disable=SC2086
{
ff $video $audio -i "$tmp/chapters.txt" -map 0 -map 1 -map_metadata 2 \
	-map_chapters 2 -c:v libx264 -preset ultrafast -c:a aac -b:a 32k \
	-timecode 12:34:56:00 $tags clip.mp4
ff $video $audio -i "$tmp/chapters.txt" -map 0 -map 1 -map_metadata 2 \
	-map_chapters 2 -c:v libx264 -preset ultrafast -c:a aac -b:a 32k \
	$tags -f mov phone.mov
printf 'PLANTED attached notes\n' >"$tmp/notes.txt"
ff $video $audio -i "$tmp/chapters.txt" -map 0 -map 1 -map_metadata 2 \
	-map_chapters 2 -c:v libx264 -preset ultrafast -c:a libopus -b:a 24k \
	-attach "$tmp/notes.txt" -metadata:s:t mimetype=text/plain $tags clip.mkv
ff $video $audio -map 0 -map 1 -c:v libvpx -b:v 100k -c:a libopus \
	-b:a 24k $tags clip.webm
ff $video $audio -map 0 -map 1 -c:v mpeg4 -q:v 8 -c:a libmp3lame -b:a 32k \
	$tags clip.avi
ff $video -f lavfi -i sine=frequency=440:duration=2:sample_rate=22050 \
	-map 0 -map 1 -c:v wmv2 -q:v 8 -c:a wmav2 -b:a 32k $tags clip.wmv
ff -f lavfi -i sine=frequency=330:duration=2 -i "$tmp/cam.jpg" -map 0 \
	-map 1 -c:a aac -b:a 32k -c:v copy -disposition:v attached_pic \
	-metadata title=PLANTED_Title -metadata artist=PLANTED_Artist song.m4a
}
et -Keys:GPSCoordinates="48.8566, 2.3522" -Keys:Make="PLANTEDMake" \
	-Keys:Model="PLANTEDModel" -Rotation=90 phone.mov
et -XMP:Creator="PLANTED XmpCreator" clip.mp4

# Recordings: Broadcast Wave (bext, INFO, then an iXML chunk as field
# recorders write it) and AIFF with an ID3 tag.
ff -f lavfi -i sine=frequency=550:duration=1 -c:a pcm_s16le -write_bext 1 \
	-metadata originator=PLANTED_Recorder -metadata description=PLANTED_Description \
	-metadata origination_date=2024-03-02 -metadata origination_time=11:00:00 \
	-metadata title=PLANTED_Title "$tmp/voice.wav"
python3 - "$tmp/voice.wav" voice.wav <<'EOF'
import struct, sys
d = bytearray(open(sys.argv[1], 'rb').read())
x = (b'<?xml version="1.0" encoding="UTF-8"?><BWFXML><PROJECT>PLANTED '
     b'Project</PROJECT><NOTE>PLANTED note</NOTE></BWFXML>')
d += b'iXML' + struct.pack('<I', len(x)) + x + (b'\0' if len(x) % 2 else b'')
struct.pack_into('<I', d, 4, len(d) - 8)
open(sys.argv[2], 'wb').write(d)
EOF
ff -f lavfi -i sine=frequency=660:duration=1 -c:a pcm_s16be -write_id3v2 1 \
	-metadata title=PLANTED_Title -metadata artist=PLANTED_Artist voice.aiff

# A drawing as Inkscape saves it, with a photo embedded and one linked.
{
cat <<'EOF'
<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!-- Created with Inkscape (http://www.inkscape.org/) by PLANTED -->
<svg width="60mm" height="30mm" viewBox="0 0 60 30" version="1.1" id="svg5"
   inkscape:version="1.2.2 (b0a8486541, 2022-12-01)"
   sodipodi:docname="PLANTED-map.svg"
   inkscape:export-filename="/home/planted/Desktop/map.png"
   inkscape:export-xdpi="96" inkscape:export-ydpi="96"
   xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"
   xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"
   xmlns:xlink="http://www.w3.org/1999/xlink"
   xmlns="http://www.w3.org/2000/svg"
   xmlns:svg="http://www.w3.org/2000/svg"
   xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
   xmlns:cc="http://creativecommons.org/ns#"
   xmlns:dc="http://purl.org/dc/elements/1.1/">
  <sodipodi:namedview id="namedview7" pagecolor="#ffffff"
     inkscape:zoom="2.1" inkscape:window-width="1920"
     inkscape:current-layer="layer1" />
  <defs id="defs2" />
  <metadata id="metadata5">
    <rdf:RDF>
      <cc:Work rdf:about="">
        <dc:creator><cc:Agent><dc:title>PLANTED Author</dc:title></cc:Agent></dc:creator>
        <dc:date>2024-03-02</dc:date>
        <dc:description>PLANTED description</dc:description>
      </cc:Work>
    </rdf:RDF>
  </metadata>
  <style id="style1">/* PLANTED stylist note */ .road { stroke: #333; stroke-width: 0.5 }</style>
  <g inkscape:label="Layer 1" inkscape:groupmode="layer" id="layer1">
    <rect style="fill:#1f6feb;stroke:none/* PLANTED inline note */" width="20" height="12" x="4" y="4" id="rect1" />
    <path class="road" d="M 4,24 L 56,24" id="path1" />
    <text x="30" y="10" style="font-size:4px;font-family:sans-serif" id="text1">Bridge</text>
    <image width="16" height="10" x="40" y="12" id="photo"
       sodipodi:absref="/home/planted/Pictures/cam.jpg"
       xlink:href="data:image/jpeg;base64,
EOF
base64 -w 76 "$tmp/cam.jpg"
cat <<'EOF'
" />
    <image width="4" height="4" x="2" y="20" id="linked"
       xlink:href="file:///home/planted/Pictures/logo.png" />
  </g>
</svg>
EOF
} >drawing.svg

# A torrent of a release, with the maker's comment.
mkdir -p "$tmp/release"
printf 'The ministry paid twice for the same contract.\n' >"$tmp/release/memo.txt"
cp "$tmp/art.png" "$tmp/release/chart.png"
mktorrent -a udp://tracker.example.org:6969/announce -c "PLANTED comment" \
	-w https://mirror.example.org/release/ -o release.torrent \
	"$tmp/release" >/dev/null

# A style sheet with its designer's notes.
cat >style.css <<'EOF'
/* PLANTED: theme for the ministry leak site, by the designer */
@charset "utf-8";
@import url("print.css") print;
body { margin: 0; font: 16px/1.4 serif; /* PLANTED inline note */ }
a[href^="http"]::after { content: " /* not a comment */ "; }
.road { background: url(/img/road.png) no-repeat; }
@media (max-width: 600px) { body { font-size: 14px } }
EOF
