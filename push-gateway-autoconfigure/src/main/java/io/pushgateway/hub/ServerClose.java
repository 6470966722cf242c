package io.pushgateway.hub;

/**
 * How the server closed a connection, as the transport decided it.
 *
 * @param code the close code
 * @param reason the reason
 * @author Push Gateway team
 */
record ServerClose(int code, String reason) {

}
