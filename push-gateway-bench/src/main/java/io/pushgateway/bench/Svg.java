package io.pushgateway.bench;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;

/**
 * Bar and line charts as SVG. Written by hand on purpose: the charts are a few bars and
 * polylines, and SVG leaves text rendering to the viewer, so drawing them needs no font
 * stack on a headless benchmark machine (a bitmap chart library would need AWT and
 * installed fonts), and the files diff as text in the repository.
 *
 * @author Push Gateway team
 */
final class Svg {

	private static final String[] COLORS = { "#2f6fdf", "#e07b1f", "#3a9a4a", "#9b4fc0" };

	private static final int WIDTH = 720;

	private static final int HEIGHT = 360;

	private static final int LEFT = 70;

	private static final int RIGHT = 20;

	private static final int TOP = 40;

	private static final int BOTTOM = 60;

	private Svg() {
	}

	/**
	 * Grouped bars: one group per category, one bar per series.
	 * @param title the title
	 * @param unit the value axis label
	 * @param categories the group labels
	 * @param series the series
	 * @return the SVG document
	 */
	static String bars(String title, String unit, List<String> categories, List<Series> series) {
		double top = top(series);
		StringBuilder svg = start(title, unit, top);
		double plotWidth = WIDTH - LEFT - RIGHT;
		double groupWidth = plotWidth / categories.size();
		double barWidth = groupWidth * 0.7 / series.size();
		for (int c = 0; c < categories.size(); c++) {
			double groupX = LEFT + c * groupWidth + groupWidth * 0.15;
			for (int s = 0; s < series.size(); s++) {
				double value = series.get(s).values().get(c);
				double height = (HEIGHT - TOP - BOTTOM) * value / top;
				double x = groupX + s * barWidth;
				double y = HEIGHT - BOTTOM - height;
				svg.append(String.format(Locale.ROOT,
						"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>%n", x, y,
						barWidth - 2, height, COLORS[s % COLORS.length]));
				svg.append(String.format(Locale.ROOT,
						"<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"middle\">%s</text>%n",
						x + (barWidth - 2) / 2, y - 4, format(value)));
			}
			svg.append(String.format(Locale.ROOT,
					"<text x=\"%.1f\" y=\"%d\" font-size=\"13\" text-anchor=\"middle\">%s</text>%n",
					LEFT + c * groupWidth + groupWidth / 2, HEIGHT - BOTTOM + 20, escape(categories.get(c))));
		}
		legend(svg, series);
		return svg.append("</svg>\n").toString();
	}

	/**
	 * Latency by percentile, one line per series, on a logarithmic "nines" axis (50, 90,
	 * 99, 99.9, ...), as latency distributions are usually read.
	 * @param title the title
	 * @param unit the value axis label
	 * @param percentiles the percentile of each point
	 * @param series the series, one value per percentile
	 * @return the SVG document
	 */
	static String percentiles(String title, String unit, List<Double> percentiles, List<Series> series) {
		double top = top(series);
		StringBuilder svg = start(title, unit, top);
		double maxNines = nines(99.99);
		double plotWidth = WIDTH - LEFT - RIGHT;
		for (double tick : new double[] { 0, 50, 90, 99, 99.9, 99.99 }) {
			double x = LEFT + plotWidth * nines(tick) / maxNines;
			svg.append(
					String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>%n",
							x, TOP, x, HEIGHT - BOTTOM));
			svg.append(String.format(Locale.ROOT,
					"<text x=\"%.1f\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">p%s</text>%n", x,
					HEIGHT - BOTTOM + 18, BigDecimal.valueOf(tick).stripTrailingZeros().toPlainString()));
		}
		svg.append(String.format(Locale.ROOT,
				"<text x=\"%.1f\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">percentile</text>%n",
				LEFT + plotWidth / 2, HEIGHT - BOTTOM + 40));
		for (int s = 0; s < series.size(); s++) {
			StringBuilder points = new StringBuilder();
			for (int i = 0; i < percentiles.size(); i++) {
				double percentile = Math.min(percentiles.get(i), 99.99);
				double x = LEFT + plotWidth * nines(percentile) / maxNines;
				double y = HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * series.get(s).values().get(i) / top;
				points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
			}
			svg.append(String.format(Locale.ROOT,
					"<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>%n",
					points.toString().trim(), COLORS[s % COLORS.length]));
		}
		legend(svg, series);
		return svg.append("</svg>\n").toString();
	}

	/* A round value axis maximum above every value. */
	private static double top(List<Series> series) {
		return niceCeiling(
				series.stream().flatMap((s) -> s.values().stream()).mapToDouble(Double::doubleValue).max().orElse(1));
	}

	private static double nines(double percentile) {
		return -Math.log10(1 - percentile / 100.0);
	}

	private static StringBuilder start(String title, String unit, double top) {
		StringBuilder svg = new StringBuilder();
		svg.append(String.format(Locale.ROOT,
				"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
						+ "font-family=\"sans-serif\">%n",
				WIDTH, HEIGHT, WIDTH, HEIGHT));
		svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, HEIGHT));
		svg.append(String.format(Locale.ROOT,
				"<text x=\"%d\" y=\"24\" font-size=\"16\" font-weight=\"bold\" text-anchor=\"middle\">%s</text>%n",
				WIDTH / 2, escape(title)));
		for (int i = 0; i <= 4; i++) {
			double value = top * i / 4;
			double y = HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * i / 4.0;
			svg.append(
					String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n",
							LEFT, y, WIDTH - RIGHT, y));
			svg.append(String.format(Locale.ROOT,
					"<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%s</text>%n", LEFT - 6, y + 4,
					format(value)));
		}
		svg.append(String.format(Locale.ROOT,
				"<text x=\"16\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\" transform=\"rotate(-90 16 %d)\">%s</text>%n",
				HEIGHT / 2, HEIGHT / 2, escape(unit)));
		svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>%n", LEFT,
				HEIGHT - BOTTOM, WIDTH - RIGHT, HEIGHT - BOTTOM));
		return svg;
	}

	private static void legend(StringBuilder svg, List<Series> series) {
		for (int s = 0; s < series.size(); s++) {
			int x = LEFT + 10 + s * 170;
			svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>%n",
					x, TOP - 8, COLORS[s % COLORS.length]));
			svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\">%s</text>%n", x + 16,
					TOP + 2, escape(series.get(s).name())));
		}
	}

	private static double niceCeiling(double value) {
		if (value <= 0) {
			return 1;
		}
		double magnitude = Math.pow(10, Math.floor(Math.log10(value)));
		for (double step : new double[] { 1, 2, 2.5, 5, 10 }) {
			if (step * magnitude >= value * 1.1) {
				return step * magnitude;
			}
		}
		return 10 * magnitude;
	}

	private static String format(double value) {
		if (value == Math.rint(value) && Math.abs(value) < 1e9) {
			return Long.toString((long) value);
		}
		return String.format(Locale.ROOT, (Math.abs(value) < 10) ? "%.2f" : "%.1f", value);
	}

	private static String escape(String text) {
		return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
	}

	/**
	 * A named series of values.
	 *
	 * @param name the legend label
	 * @param values one value per category (bars) or per point (lines)
	 */
	record Series(String name, List<Double> values) {
	}

}
