package dev.countersign.server.tool.calendar;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.countersign.policy.tool.ToolDescriptor;
import dev.countersign.server.provider.ProviderHttp;
import dev.countersign.server.provider.ProviderProperties;
import dev.countersign.server.provider.ProviderTokens;
import dev.countersign.server.tool.Arguments;
import dev.countersign.server.tool.ToolArgumentException;
import dev.countersign.server.tool.ToolHandler;
import dev.countersign.server.tool.ToolHandlers;

/**
 * {@code calendar_list_events} and {@code calendar_find_free_time}: reads of the caller's
 * primary Google Calendar. Windows default to now through 14 days ahead.
 */
@Configuration(proxyBeanMethods = false)
public class CalendarTools {

	/** How far a window reaches when {@code time_max} is omitted. */
	public static final Duration DEFAULT_WINDOW = Duration.ofDays(14);

	@Bean
	WebClientGoogleCalendar googleCalendar(ProviderProperties properties, ProviderTokens tokens,
			CircuitBreakerRegistry providerCircuitBreakers, Clock clock) {
		return new WebClientGoogleCalendar(ProviderHttp
			.builder("Google Calendar", ToolDescriptor.GOOGLE, properties.effectiveGoogleCalendarUrl(), tokens,
					providerCircuitBreakers.circuitBreaker(ProviderHttp.GOOGLE))
			.timeout(properties.effectiveTimeout())
			.clock(clock)
			.build());
	}

	@Bean
	ToolHandlers calendarToolHandlers(WebClientGoogleCalendar calendar, Clock clock) {
		return () -> Map.of("calendar_list_events", listEvents(calendar, clock), "calendar_find_free_time",
				findFreeTime(calendar, clock));
	}

	static ToolHandler listEvents(WebClientGoogleCalendar calendar, Clock clock) {
		return (call) -> {
			Arguments args = call.arguments();
			TimeSlot window = window(args, clock);
			String query = args.optionalString("query").orElse(null);
			int maxResults = args.optionalInt("max_results", 25, 1, 100);
			return calendar.listEvents(call.caller(), window, query, maxResults).map((events) -> {
				Map<String, Object> result = new LinkedHashMap<>();
				result.put("events", events);
				result.put("count", events.size());
				return result;
			});
		};
	}

	static ToolHandler findFreeTime(WebClientGoogleCalendar calendar, Clock clock) {
		return (call) -> {
			Arguments args = call.arguments();
			TimeSlot window = window(args, clock);
			Duration duration = Duration.ofMinutes(args.optionalLong("duration_minutes")
				.orElseThrow(() -> new ToolArgumentException("duration_minutes", "it is required")));
			if (duration.compareTo(Duration.ofMinutes(5)) < 0 || duration.compareTo(Duration.ofMinutes(480)) > 0) {
				throw new ToolArgumentException("duration_minutes",
						"it must be between 5 and 480, but was " + duration.toMinutes());
			}
			int maxSlots = args.optionalInt("max_slots", 5, 1, 20);
			return calendar.busy(call.caller(), window).map((busy) -> {
				List<Map<String, Object>> slots = FreeSlots.find(window, busy, duration, maxSlots)
					.stream()
					.map(CalendarTools::slot)
					.toList();
				Map<String, Object> result = new LinkedHashMap<>();
				result.put("slots", slots);
				result.put("count", slots.size());
				return result;
			});
		};
	}

	/**
	 * The window of a call: {@code time_min} (now when omitted) to {@code time_max}
	 * ({@link #DEFAULT_WINDOW} after {@code time_min} when omitted).
	 */
	static TimeSlot window(Arguments args, Clock clock) {
		Instant min = args.optionalString("time_min")
			.map((text) -> instant("time_min", text))
			.orElseGet(() -> clock.instant().truncatedTo(ChronoUnit.SECONDS));
		Instant max = args.optionalString("time_max")
			.map((text) -> instant("time_max", text))
			.orElseGet(() -> min.plus(DEFAULT_WINDOW));
		if (!max.isAfter(min)) {
			throw new ToolArgumentException("time_max", "it must be after time_min (" + min + "), but was " + max);
		}
		return new TimeSlot(min, max);
	}

	private static Instant instant(String field, String text) {
		try {
			return OffsetDateTime.parse(text).toInstant();
		}
		catch (DateTimeParseException ex) {
			throw new ToolArgumentException(field,
					"it must be an RFC 3339 date-time such as 2026-12-01T15:00:00Z, but was " + text);
		}
	}

	private static Map<String, Object> slot(TimeSlot slot) {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("start", slot.start().toString());
		json.put("end", slot.end().toString());
		return json;
	}

}
