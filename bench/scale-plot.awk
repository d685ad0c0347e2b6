# bench/scale-plot.awk: draws bench/scale's results (scale-results.tsv) as an SVG with three
# log-log panels against the number of users: the wall time of each timed command (median,
# ms), the CPU time the broker spent on it (median, ms), and the broker's memory (VmRSS, MB). On log-log axes a constant cost is a flat line and
# a linear one rises one decade per decade; the dotted diagonal shows that slope.
#   awk -f bench/scale-plot.awk scale-results.tsv > scale.svg
BEGIN { FS = "\t" }
NR == 1 { next }
{
  if (!($1 in seen_size)) { seen_size[$1] = 1; sizes[++nsizes] = $1 + 0 }
  if ($4 == "ms" && $5 > 0) add(1, $3, $1, $5)
  if ($4 == "ms CPU" && $5 > 0) add(2, substr($3, length("broker CPU: ") + 1), $1, $5)
  if ($3 ~ /^broker VmRSS, (empty|seeded|after the timed runs)$/ && $5 > 0) add(3, $3, $1, $5)
}
function add(panel, name, x, y,   key) {
  key = panel SUBSEP name
  if (!(key in nseries)) { nseries[key] = 0; series[panel, ++count[panel]] = name }
  px[key, ++nseries[key]] = x + 0
  py[key, nseries[key]] = y + 0
  if (!(panel in lo) || y + 0 < lo[panel]) lo[panel] = y + 0
  if (!(panel in hi) || y + 0 > hi[panel]) hi[panel] = y + 0
}
function log10(v) { return log(v) / log(10) }
function floor10(v) { return int(log10(v) + 100) - 100 }
function ceil10(v,   f) { f = floor10(v); return (10 ^ f < v * 0.999) ? f + 1 : f }
function fmt(v) {
  if (v >= 1000000) return (v / 1000000) "M"
  if (v >= 1000) return (v / 1000) "k"
  return v
}
function esc(s) { gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); return s }
function panel_svg(p, left, title, unit,   x0, x1, y0, y1, W, H, top, d, i, j, k, key, cx, cy, pts, color, ly) {
  W = 380; H = 300; top = 50
  x0 = floor10(sizes[1]); x1 = ceil10(sizes[nsizes]); if (x1 == x0) x1 = x0 + 1
  y0 = floor10(lo[p]); y1 = ceil10(hi[p]); if (y1 == y0) y1 = y0 + 1
  printf "<g transform=\"translate(%d,%d)\">\n", left, top
  printf "<text x=\"%d\" y=\"-20\" text-anchor=\"middle\" font-weight=\"bold\">%s</text>\n", W / 2, title
  printf "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#888\"/>\n", W, H
  for (d = x0; d <= x1; d++) {
    cx = (d - x0) / (x1 - x0) * W
    printf "<line x1=\"%.1f\" y1=\"0\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>\n", cx, cx, H
    printf "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", cx, H + 18, fmt(10 ^ d)
  }
  for (d = y0; d <= y1; d++) {
    cy = H - (d - y0) / (y1 - y0) * H
    printf "<line x1=\"0\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>\n", cy, W, cy
    printf "<text x=\"-6\" y=\"%.1f\" text-anchor=\"end\" dominant-baseline=\"middle\">%s</text>\n", cy, fmt(10 ^ d)
  }
  printf "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">users (groups: a tenth)</text>\n", W / 2, H + 38
  printf "<text transform=\"translate(-48,%d) rotate(-90)\" text-anchor=\"middle\">%s</text>\n", H / 2, unit
  # The slope of linear growth, through the lower left corner.
  printf "<line x1=\"0\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#aaa\" stroke-dasharray=\"2,4\"/>\n", H,
    W, H - (x1 - x0) / (y1 - y0) * H
  for (i = 1; i <= count[p]; i++) {
    key = p SUBSEP series[p, i]
    color = palette[(i - 1) % 7 + 1]
    pts = ""
    for (j = 1; j <= nseries[key]; j++) {
      cx = (log10(px[key, j]) - x0) / (x1 - x0) * W
      cy = H - (log10(py[key, j]) - y0) / (y1 - y0) * H
      pts = pts sprintf("%.1f,%.1f ", cx, cy)
      printf "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>\n", cx, cy, color
    }
    printf "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>\n", pts, color
    ly = H + 60 + (i - 1) * 16
    printf "<line x1=\"0\" y1=\"%d\" x2=\"24\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"/>\n", ly - 4, ly - 4, color
    printf "<text x=\"30\" y=\"%d\">%s</text>\n", ly, esc(series[p, i])
  }
  printf "</g>\n"
}
END {
  split("#1f77b4 #d62728 #2ca02c #ff7f0e #9467bd #8c564b #e377c2", palette, " ")
  n = count[1]; if (count[2] > n) n = count[2]; if (count[3] > n) n = count[3]
  printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1400\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">\n", 430 + 16 * n
  printf "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
  if (count[1]) panel_svg(1, 70, "Wall time of each command (median)", "ms")
  if (count[2]) panel_svg(2, 530, "mosquitto's CPU time for it (median)", "ms of CPU")
  if (count[3]) panel_svg(3, 990, "mosquitto memory", "VmRSS, MB")
  printf "</svg>\n"
}
