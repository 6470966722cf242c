package io.pushgateway.grpc;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Answers a request that is not a valid protobuf message of its method with
 * {@code INVALID_ARGUMENT} and {@value #DESCRIPTION}, logged at debug only.
 *
 * <p>
 * grpc-java parses a request before any interceptor or handler sees it, and treats an
 * exception of the parser as an application error: {@code UNKNOWN} for the caller and an
 * {@code ERROR} with a stack trace in the log for every such request. So each method's
 * request marshaller is wrapped: a request it cannot parse becomes {@code null}, which
 * the wrapped handler's listener answers instead of handing it on.
 *
 * @author Push Gateway team
 */
final class MalformedRequests {

	/** The description of the status a malformed request is answered with. */
	static final String DESCRIPTION = "request is not a valid protobuf message";

	private static final Log logger = LogFactory.getLog(MalformedRequests.class);

	private MalformedRequests() {
	}

	/**
	 * The service with every method answering malformed requests.
	 * @param service the service as bound by its implementation
	 * @return the service to register, ahead of its interceptors
	 */
	static ServerServiceDefinition refused(ServerServiceDefinition service) {
		ServiceDescriptor descriptor = service.getServiceDescriptor();
		ServiceDescriptor.Builder checkedDescriptor = ServiceDescriptor.newBuilder(descriptor.getName())
			.setSchemaDescriptor(descriptor.getSchemaDescriptor());
		List<ServerMethodDefinition<?, ?>> methods = new ArrayList<>();
		for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
			ServerMethodDefinition<?, ?> checked = checked(method);
			checkedDescriptor.addMethod(checked.getMethodDescriptor());
			methods.add(checked);
		}
		ServerServiceDefinition.Builder checkedService = ServerServiceDefinition.builder(checkedDescriptor.build());
		methods.forEach(checkedService::addMethod);
		return checkedService.build();
	}

	private static <Q, R> ServerMethodDefinition<Q, R> checked(ServerMethodDefinition<Q, R> definition) {
		MethodDescriptor<Q, R> method = definition.getMethodDescriptor();
		MethodDescriptor<Q, R> lenient = method.toBuilder()
			.setRequestMarshaller(new Lenient<>(method.getRequestMarshaller(), method.getFullMethodName()))
			.build();
		ServerCallHandler<Q, R> handler = definition.getServerCallHandler();
		return ServerMethodDefinition.create(lenient,
				(call, headers) -> new Refusing<>(call, handler.startCall(call, headers)));
	}

	/**
	 * Parses as its delegate does, and to {@code null} what the delegate cannot parse.
	 */
	private static final class Lenient<Q> implements MethodDescriptor.Marshaller<Q> {

		private final MethodDescriptor.Marshaller<Q> delegate;

		private final String method;

		Lenient(MethodDescriptor.Marshaller<Q> delegate, String method) {
			this.delegate = delegate;
			this.method = method;
		}

		@Override
		public InputStream stream(Q value) {
			return this.delegate.stream(value);
		}

		@Override
		public @Nullable Q parse(InputStream stream) {
			try {
				return this.delegate.parse(stream);
			}
			catch (RuntimeException ex) {
				// the caller's mistake: it learns of it from the status, and a stream of
				// such requests must not fill the log
				if (logger.isDebugEnabled()) {
					logger.debug("Request to " + this.method + " is not a valid protobuf message", ex);
				}
				return null;
			}
		}

	}

	/** Answers a request its method's marshaller could not parse. */
	private static final class Refusing<Q, R>
			extends ForwardingServerCallListener.SimpleForwardingServerCallListener<Q> {

		private final ServerCall<Q, R> call;

		private boolean refused;

		Refusing(ServerCall<Q, R> call, ServerCall.Listener<Q> delegate) {
			super(delegate);
			this.call = call;
		}

		@Override
		public void onMessage(@Nullable Q message) {
			if (this.refused) {
				return;
			}
			if (message == null) {
				this.refused = true;
				this.call.close(Status.INVALID_ARGUMENT.withDescription(DESCRIPTION), new Metadata());
				return;
			}
			super.onMessage(message);
		}

		@Override
		public void onHalfClose() {
			// a refused call has no request for its handler to run on
			if (!this.refused) {
				super.onHalfClose();
			}
		}

	}

}
