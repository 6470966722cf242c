package com.example.shop;

import java.util.Map;

import io.pushgateway.core.PushOperations;
import io.pushgateway.core.PushResult;
import reactor.core.publisher.Mono;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@SpringBootApplication
public class ShopApplication {

	public static void main(String[] args) {
		SpringApplication.run(ShopApplication.class, args);
	}

	@RestController
	static class OrderController {

		private final PushOperations push;

		OrderController(PushOperations push) {
			this.push = push;
		}

		@PostMapping("/orders/{id}/ship")
		Mono<PushResult> ship(@PathVariable String id, @RequestParam String customer) {
			return this.push.pushToUser(customer, "order.shipped", Map.of("order", id));
		}

	}

}
