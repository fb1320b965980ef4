package dev.countersign.server;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.PropertySource;

import dev.countersign.server.cli.CountersignCli;

/**
 * The Countersign server. Run it against a real Auth0 tenant with the
 * {@code countersign.*} settings of the README, or run the sandbox in {@code examples} to
 * try it with nothing to configure. The laptop commands ({@code login}, {@code stdio},
 * {@code logout}) run without starting the server: see {@link CountersignCli}.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@PropertySource("classpath:dev/countersign/server/countersign-defaults.properties")
public class CountersignApplication {

	public static void main(String[] args) {
		if (CountersignCli.handles(args)) {
			System.exit(CountersignCli.run(args));
		}
		SpringApplication application = new SpringApplication(CountersignApplication.class);
		application.setBannerMode(Banner.Mode.OFF);
		application.run(args);
	}

}
