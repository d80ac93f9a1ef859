/**
 * Shared look of every initlab chart (CLI reports and web lab): DejaVu Sans so Node (resvg) and
 * browsers draw the same glyphs, and the Okabe & Ito (2008) colour-blind-safe palette.
 */
export const OKABE_ITO = [
  "#0072B2",
  "#E69F00",
  "#009E73",
  "#D55E00",
  "#CC79A7",
  "#56B4E9",
  "#F0E442",
  "#000000",
] as const;

export const CHART_FONT = "DejaVu Sans, sans-serif";

export const chartConfig = {
  font: CHART_FONT,
  aria: false,
  background: "white",
  view: { stroke: "#ddd" },
  range: { category: [...OKABE_ITO] },
  axis: { labelFontSize: 11, titleFontSize: 12, gridColor: "#eee" },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 320 },
  title: { fontSize: 14, anchor: "start" as const, offset: 10 },
};
