package io.pushgateway.observation;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;
import io.micrometer.observation.transport.SenderContext;
import io.pushgateway.core.PushTarget;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

/**
 * The gateway's Micrometer Observations, when the application has an
 * {@link ObservationRegistry}: a push as it is issued, its trip over the cluster bus
 * (sent on one node, delivered to connections on another, the trace context carried in
 * the bus record's {@code traceparent} header), a client message on its way to the
 * application, an HTTP push API request, and a handshake. With tracing, one trace runs
 * from an HTTP push on one node through the bus to the fan-out on another, and from a
 * client message to the service that consumes its upstream record.
 *
 * <p>
 * Every method does nothing but the work itself when the registry is the no-op one, so
 * the hot paths pay nothing without observations.
 *
 * @author Push Gateway team
 */
public final class PushObservations {

	/** No observations. */
	public static final PushObservations OFF = new PushObservations(ObservationRegistry.NOOP);

	/** A push as the application issues it, until the cluster bus took it. */
	public static final String PUSH = "push.gateway.push.issue";

	/** A push on its way to the other nodes. */
	public static final String BUS_SEND = "push.gateway.bus.send";

	/** A push from another node, delivered to this node's connections. */
	public static final String BUS_DELIVER = "push.gateway.bus.deliver";

	/** A client message, until its handler answered. */
	public static final String UPSTREAM = "push.gateway.upstream.message";

	/** A client message's record on its way to the upstream topic. */
	public static final String UPSTREAM_SEND = "push.gateway.upstream.send";

	/** A request to the HTTP push API. */
	public static final String HTTP = "push.gateway.http.request";

	/** A handshake, until it was admitted or refused. */
	public static final String HANDSHAKE = "push.gateway.handshake.admit";

	/**
	 * Where a Reactor context holds the current observation: the key of Micrometer's
	 * {@code ObservationThreadLocalAccessor}, so Reactor's automatic context propagation
	 * and the gateway agree.
	 */
	static final String CONTEXT_KEY = "micrometer.observation";

	private final ObservationRegistry registry;

	/**
	 * Observations in a registry.
	 * @param registry the application's registry
	 */
	public PushObservations(ObservationRegistry registry) {
		this.registry = registry;
	}

	/**
	 * Whether observations are off.
	 * @return {@code true} with the no-op registry
	 */
	public boolean isOff() {
		return this.registry.isNoop();
	}

	/**
	 * The observation current on this thread, to parent work that starts later.
	 * @return the observation, or {@code null}
	 */
	public @Nullable Observation current() {
		return isOff() ? null : this.registry.getCurrentObservation();
	}

	/**
	 * The parent of work that runs in a Reactor chain: the observation in the chain's
	 * context (an HTTP request's), else one captured where the work was asked for.
	 * @param context the chain's context
	 * @param captured the observation current where the work was asked for, or
	 * {@code null}
	 * @return the parent, or {@code null}
	 */
	public @Nullable Observation parent(ContextView context, @Nullable Observation captured) {
		if (isOff()) {
			return null;
		}
		Object fromContext = context.getOrDefault(CONTEXT_KEY, null);
		return (fromContext instanceof Observation observation) ? observation : captured;
	}

	/**
	 * Observe a push while it is issued: the work (fan-out, bus send) is assembled with
	 * the push's observation current, which ends when the returned {@code Mono} does.
	 * @param <T> the result
	 * @param parent the observation current where the push was asked for, or {@code null}
	 * @param target the target
	 * @param work assembles the push
	 * @return the observed push
	 */
	public <T> Mono<T> push(@Nullable Observation parent, PushTarget target, Supplier<Mono<T>> work) {
		if (isOff()) {
			return work.get();
		}
		String kind = kind(target);
		return observe(Observation.createNotStarted(PUSH, this.registry)
			.contextualName("push to " + kind)
			.lowCardinalityKeyValue("target", kind)
			.parentObservation(parent), work);
	}

	/**
	 * Observe a request or a handshake.
	 * @param <T> the result
	 * @param name the observation's name, {@link #HTTP} or {@link #HANDSHAKE}
	 * @param contextualName the span's name
	 * @param keyValues its low-cardinality key values
	 * @param work assembles the handling, with the observation current
	 * @return the observed handling
	 */
	public <T> Mono<T> observe(String name, String contextualName, KeyValues keyValues, Supplier<Mono<T>> work) {
		if (isOff()) {
			return work.get();
		}
		return observe(Observation.createNotStarted(name, this.registry)
			.contextualName(contextualName)
			.lowCardinalityKeyValues(keyValues), work);
	}

	/**
	 * Observe something sent to another process (the bus, the upstream topic): the tracer
	 * writes the trace context into the carrier the send puts in its record's headers.
	 * @param <T> the result
	 * @param name {@link #BUS_SEND} or {@link #UPSTREAM_SEND}
	 * @param destination where it goes, such as the topic
	 * @param send sends with the propagation headers (empty when observations are off)
	 * @return the observed send
	 */
	public <T> Mono<T> send(String name, String destination, Function<Map<String, String>, Mono<T>> send) {
		if (isOff()) {
			return send.apply(Map.of());
		}
		Observation captured = this.registry.getCurrentObservation();
		return Mono.deferContextual((chain) -> {
			SenderContext<Map<String, String>> context = new SenderContext<>((carrier, key, value) -> {
				if (carrier != null) {
					carrier.put(key, value);
				}
			}, Kind.PRODUCER);
			context.setCarrier(new HashMap<>());
			context.setRemoteServiceName(destination);
			Observation observation = Observation.createNotStarted(name, () -> context, this.registry)
				.contextualName(destination + " send")
				.parentObservation(parent(chain, captured))
				.start();
			Mono<T> sending;
			try {
				sending = send.apply(Map.copyOf(context.getCarrier()));
			}
			catch (RuntimeException ex) {
				observation.error(ex);
				observation.stop();
				throw ex;
			}
			return sending.doOnError(observation::error).doFinally((signal) -> observation.stop());
		});
	}

	/**
	 * Observe the delivery of a push that came over the bus, as the child of the send on
	 * the issuing node.
	 * @param headers the propagation headers of its record
	 * @param delivery delivers it to this node's connections
	 */
	public void deliver(Map<String, String> headers, Runnable delivery) {
		if (isOff()) {
			delivery.run();
			return;
		}
		ReceiverContext<Map<String, String>> context = new ReceiverContext<>((carrier, key) -> carrier.get(key),
				Kind.CONSUMER);
		context.setCarrier(headers);
		Observation observation = Observation.createNotStarted(BUS_DELIVER, () -> context, this.registry)
			.contextualName("bus deliver")
			.start();
		try (Observation.Scope scope = observation.openScope()) {
			delivery.run();
		}
		catch (RuntimeException ex) {
			observation.error(ex);
			throw ex;
		}
		finally {
			observation.stop();
		}
	}

	private static <T> Mono<T> observe(Observation observation, Supplier<Mono<T>> work) {
		observation.start();
		Mono<T> assembled;
		try (Observation.Scope scope = observation.openScope()) {
			assembled = work.get();
		}
		catch (RuntimeException ex) {
			observation.error(ex);
			observation.stop();
			throw ex;
		}
		return assembled.doOnError(observation::error)
			.doFinally((signal) -> observation.stop())
			.contextWrite((context) -> context.put(CONTEXT_KEY, observation));
	}

	private static String kind(PushTarget target) {
		if (target instanceof PushTarget.User) {
			return "user";
		}
		if (target instanceof PushTarget.Users) {
			return "users";
		}
		if (target instanceof PushTarget.Guid) {
			return "guid";
		}
		return (target instanceof PushTarget.Socket) ? "socket" : "all";
	}

}
