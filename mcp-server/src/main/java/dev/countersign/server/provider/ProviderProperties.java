package dev.countersign.server.provider;

import java.net.URI;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Spring binding for {@code countersign.providers.*}: where the provider APIs are and how
 * long a call may take. The sandbox points the URLs at its emulations.
 *
 * @param googleCalendarUrl Google Calendar API v3 base, default
 * {@code https://www.googleapis.com/calendar/v3}
 * @param gmailUrl Gmail API v1 base, default
 * {@code https://gmail.googleapis.com/gmail/v1}
 * @param githubUrl GitHub REST API base, default {@code https://api.github.com}
 * @param timeout the time limit of one provider call, default 10 s
 */
@ConfigurationProperties("countersign.providers")
public record ProviderProperties(@Nullable URI googleCalendarUrl, @Nullable URI gmailUrl, @Nullable URI githubUrl,
		@Nullable Duration timeout) {

	public static final URI DEFAULT_GOOGLE_CALENDAR_URL = URI.create("https://www.googleapis.com/calendar/v3");

	public static final URI DEFAULT_GMAIL_URL = URI.create("https://gmail.googleapis.com/gmail/v1");

	public static final URI DEFAULT_GITHUB_URL = URI.create("https://api.github.com");

	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

	public URI effectiveGoogleCalendarUrl() {
		return (this.googleCalendarUrl != null) ? this.googleCalendarUrl : DEFAULT_GOOGLE_CALENDAR_URL;
	}

	public URI effectiveGmailUrl() {
		return (this.gmailUrl != null) ? this.gmailUrl : DEFAULT_GMAIL_URL;
	}

	public URI effectiveGithubUrl() {
		return (this.githubUrl != null) ? this.githubUrl : DEFAULT_GITHUB_URL;
	}

	public Duration effectiveTimeout() {
		return (this.timeout != null) ? this.timeout : DEFAULT_TIMEOUT;
	}

}
