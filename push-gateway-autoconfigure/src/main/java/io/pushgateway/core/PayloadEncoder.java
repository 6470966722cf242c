package io.pushgateway.core;

/**
 * Turns an application object into a {@link Payload}; the default writes JSON with the
 * application's Jackson {@code JsonMapper}.
 *
 * @author Push Gateway team
 */
@FunctionalInterface
public interface PayloadEncoder {

	/**
	 * Encode an object.
	 * @param value the object
	 * @return the payload
	 */
	Payload encode(Object value);

}
