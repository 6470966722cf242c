package io.pushgateway.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code --name value} command-line options.
 *
 * @author Push Gateway team
 */
final class Args {

	private final Map<String, String> values;

	private final List<String> positional;

	private Args(Map<String, String> values, List<String> positional) {
		this.values = values;
		this.positional = positional;
	}

	static Args parse(String[] args) {
		Map<String, String> values = new LinkedHashMap<>();
		List<String> positional = new ArrayList<>();
		for (int i = 0; i < args.length; i++) {
			if (args[i].startsWith("--")) {
				String name = args[i].substring(2);
				int equals = name.indexOf('=');
				if (equals >= 0) {
					values.put(name.substring(0, equals), name.substring(equals + 1));
				}
				else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
					values.put(name, args[++i]);
				}
				else {
					values.put(name, "true");
				}
			}
			else {
				positional.add(args[i]);
			}
		}
		return new Args(values, positional);
	}

	String get(String name, String fallback) {
		return this.values.getOrDefault(name, fallback);
	}

	int getInt(String name, int fallback) {
		return Integer.parseInt(get(name, Integer.toString(fallback)));
	}

	/* These arguments with one more value, or one replaced. */
	Args with(String name, String value) {
		Map<String, String> values = new LinkedHashMap<>(this.values);
		values.put(name, value);
		return new Args(values, this.positional);
	}

	boolean has(String name) {
		return this.values.containsKey(name);
	}

	List<String> positional() {
		return this.positional;
	}

}
