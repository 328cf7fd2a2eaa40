#!/usr/bin/env bash
# Regenerates the test/demo origin's media fixtures with ffmpeg (tested with 5.1).
#
#   player-test/testorigin/testdata/gen.sh
#
# Output, next to this script (commit it; the Go package embeds it):
#   hls_ts/<r>/seg_000.ts..seg_005.ts      H.264 + AAC muxed in MPEG-TS, per video rendition
#   fmp4/<r>/init.mp4, seg_000..005.m4s    video-only fMP4 (CMAF) per video rendition
#   fmp4/audio/init.mp4, seg_000..005.m4s  audio-only fMP4, shared by all renditions
#   */index.m3u8                           ffmpeg's VOD playlists; the origin reads the
#                                          EXTINF durations from them and writes its own.
# Renditions: 240p 426x240@250k, 360p 640x360@500k, 480p 854x480@900k; audio AAC-LC 64k
# 32 kHz stereo: 12 s = exactly 375 AAC frames, so cycling the fixture (live) leaves no audio
# gap or overlap at the wrap (48 kHz would need 562.5 frames). 12 s, 30 fps, fixed 2 s GOP (no scene-cut keyframes) = six 2 s segments.
# H.264 Baseline (no B-frames, so video tfdt = segment start exactly).
set -euo pipefail
cd "$(dirname "$0")"
FF=(ffmpeg -hide_banner -loglevel error -y)
DUR=12
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

rm -rf hls_ts fmp4
mkdir -p hls_ts fmp4

# One audio encode (beep every second) shared by every output, cut to exactly 375 frames
# (the encoder adds one priming frame; dropping the flush frame keeps 12.000 s of packets).
"${FF[@]}" -f lavfi -i "sine=frequency=440:beep_factor=4:sample_rate=32000" -t "$DUR" \
  -c:a aac -b:a 64k -ac 2 -ar 32000 "$tmp/audio_raw.mp4"
"${FF[@]}" -i "$tmp/audio_raw.mp4" -c copy -frames:a 375 "$tmp/audio.mp4"

hls() { # hls <input args...> -- <segment type> <dir> <segment ext>
  local args=() ; while [[ $1 != -- ]]; do args+=("$1"); shift; done; shift
  local type=$1 dir=$2 ext=$3 extra=()
  mkdir -p "$dir"
  [[ $type == fmp4 ]] && extra=(-hls_fmp4_init_filename init.mp4)
  "${FF[@]}" "${args[@]}" -c copy -f hls -hls_time 2 -hls_playlist_type vod \
    -hls_segment_type "$type" "${extra[@]}" \
    -hls_segment_filename "$dir/seg_%03d.$ext" "$dir/index.m3u8"
}

for spec in 240p:426x240:250 360p:640x360:500 480p:854x480:900; do
  IFS=: read -r name size kbps <<<"$spec"
  "${FF[@]}" -f lavfi -i "testsrc2=size=$size:rate=30" -t "$DUR" -an \
    -c:v libx264 -profile:v baseline -level 3.1 -pix_fmt yuv420p -preset veryfast \
    -b:v "${kbps}k" -maxrate "${kbps}k" -bufsize "$((kbps * 2))k" \
    -g 60 -keyint_min 60 -sc_threshold 0 -x264-params threads=1 "$tmp/$name.mp4"
  hls -i "$tmp/$name.mp4" -i "$tmp/audio.mp4" -map 0:v -map 1:a -- mpegts "hls_ts/$name" ts
  hls -i "$tmp/$name.mp4" -- fmp4 "fmp4/$name" m4s
done
hls -i "$tmp/audio.mp4" -- fmp4 fmp4/audio m4s

# Sanity check: six segments per rendition, each about 2 s.
for pl in hls_ts/*/index.m3u8 fmp4/*/index.m3u8; do
  n=$(grep -c '^#EXTINF' "$pl")
  [[ $n == 6 ]] || { echo "$pl: $n segments, want 6" >&2; exit 1; }
done
du -sh . | sed 's/^/fixtures: /'
