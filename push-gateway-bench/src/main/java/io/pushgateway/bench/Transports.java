package io.pushgateway.bench;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * Native epoll where available (as Reactor Netty uses under the gateway), NIO elsewhere.
 *
 * @author Push Gateway team
 */
final class Transports {

	private Transports() {
	}

	static EventLoopGroup eventLoopGroup(int threads) {
		return new MultiThreadIoEventLoopGroup(threads,
				Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
	}

	static Class<? extends ServerChannel> serverChannel() {
		return Epoll.isAvailable() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
	}

	static Class<? extends SocketChannel> socketChannel() {
		return Epoll.isAvailable() ? EpollSocketChannel.class : NioSocketChannel.class;
	}

}
