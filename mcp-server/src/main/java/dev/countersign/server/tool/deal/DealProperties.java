package dev.countersign.server.tool.deal;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Spring binding for {@code countersign.deals.*}.
 *
 * @param seedDemoData give every user the demo pipeline on first use (the sandbox does; a
 * real deployment starts empty); defaults to false
 */
@ConfigurationProperties("countersign.deals")
public record DealProperties(boolean seedDemoData) {
}
