package dev.countersign.examples.sandbox;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Import;

import dev.countersign.server.CountersignApplication;

/**
 * Starts Countersign with the emulated Auth0 tenant. Run it with
 * {@code java -jar examples/target/countersign-sandbox.jar}; the usual Spring Boot
 * arguments apply ({@code --server.port=9090}).
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@Import(CountersignApplication.class)
public class SandboxApplication {

	public static void main(String[] args) {
		SpringApplication.run(SandboxApplication.class, args);
	}

}
