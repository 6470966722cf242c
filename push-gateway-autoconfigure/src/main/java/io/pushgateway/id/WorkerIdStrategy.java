package io.pushgateway.id;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Chooses this node's Snowflake worker ID (0 to 1023), which must differ between the live
 * nodes of a cluster.
 *
 * @author Push Gateway team
 */
@FunctionalInterface
public interface WorkerIdStrategy {

	/**
	 * This node's worker ID.
	 * @return the worker ID
	 */
	int workerId();

	/**
	 * A fixed worker ID, for example from configuration.
	 * @param workerId the worker ID
	 * @return the strategy
	 */
	static WorkerIdStrategy configured(int workerId) {
		return () -> workerId;
	}

	/**
	 * The low 10 bits of an IPv4 address (the last octet and two bits of the third),
	 * unique for physical machines of one /22 network.
	 * @param address the address
	 * @return the strategy
	 */
	static WorkerIdStrategy ipv4(Inet4Address address) {
		byte[] octets = address.getAddress();
		int workerId = ((octets[2] & 0x03) << 8) | (octets[3] & 0xFF);
		return () -> workerId;
	}

	/**
	 * The low 10 bits of this host's first non-loopback IPv4 address.
	 * @return the strategy
	 * @throws IllegalStateException when the host has no such address
	 */
	static WorkerIdStrategy hostIpv4() {
		try {
			for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
				if (!nic.isUp() || nic.isLoopback()) {
					continue;
				}
				for (InetAddress address : Collections.list(nic.getInetAddresses())) {
					if (address instanceof Inet4Address ipv4 && !ipv4.isLoopbackAddress()) {
						return ipv4(ipv4);
					}
				}
			}
		}
		catch (SocketException ex) {
			throw new IllegalStateException("Cannot list network interfaces", ex);
		}
		throw new IllegalStateException("No non-loopback IPv4 address to derive a worker ID from");
	}

	/**
	 * The ordinal of a Kubernetes StatefulSet pod, read from its host name
	 * ({@code gateway-7} is worker 7).
	 * @param hostname the pod's host name
	 * @return the strategy
	 * @throws IllegalArgumentException when the host name has no ordinal
	 */
	static WorkerIdStrategy podOrdinal(String hostname) {
		Matcher matcher = Pattern.compile("-(\\d+)$").matcher(hostname);
		if (!matcher.find()) {
			throw new IllegalArgumentException("Host name '" + hostname + "' does not end with a StatefulSet ordinal");
		}
		int ordinal = Integer.parseInt(matcher.group(1));
		if (ordinal > SnowflakeIdGenerator.MAX_WORKER_ID) {
			throw new IllegalArgumentException("StatefulSet ordinal " + ordinal + " exceeds the largest worker ID "
					+ SnowflakeIdGenerator.MAX_WORKER_ID);
		}
		return () -> ordinal;
	}

}
