package dev.countersign.policy.deal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The demo pipeline the sandbox gives every user: six deals at different stages and
 * amounts, and their contacts. Tool schemas use {@link #EXAMPLE_DEAL_ID} and
 * {@link #EXAMPLE_CONTACT_QUERY} as examples, so a client can call the deal tools from
 * their schemas alone.
 */
public final class DemoDeals {

	/** A seeded deal, in the {@code proposal} stage. */
	public static final String EXAMPLE_DEAL_ID = "D-1001";

	/** A seeded contact id. */
	public static final String EXAMPLE_CONTACT_ID = "C-2001";

	/** Text that finds a seeded contact. */
	public static final String EXAMPLE_CONTACT_QUERY = "Hopper";

	private DemoDeals() {
	}

	/**
	 * The demo book, its timestamps relative to the clock's now.
	 * @param clock the clock
	 * @return a fresh book
	 */
	public static DealBook book(Clock clock) {
		Instant now = clock.instant();
		return new DealBook(
				List.of(deal(EXAMPLE_DEAL_ID, "Analytics platform renewal", "Northwind Traders", DealStage.PROPOSAL,
						24_000, List.of(EXAMPLE_CONTACT_ID), now.minus(Duration.ofDays(1))),
						deal("D-1002", "Data warehouse pilot", "Contoso Pharmaceuticals", DealStage.QUALIFIED, 8_500,
								List.of("C-2002"), now.minus(Duration.ofDays(2))),
						deal("D-1003", "Enterprise licence expansion", "Globex Corporation", DealStage.NEGOTIATION,
								72_000, List.of("C-2003", "C-2004"), now.minus(Duration.ofDays(3))),
						deal("D-1004", "Support plan upgrade", "Initech", DealStage.LEAD, 1_200, List.of("C-2005"),
								now.minus(Duration.ofDays(5))),
						deal("D-1005", "Team onboarding package", "Umbrella Logistics", DealStage.CLOSED_WON, 15_000,
								List.of("C-2006"), now.minus(Duration.ofDays(8))),
						deal("D-1006", "Hardware refresh", "Stark Fabrication", DealStage.CLOSED_LOST, 43_000,
								List.of("C-2007"), now.minus(Duration.ofDays(13)))),
				List.of(new Contact(EXAMPLE_CONTACT_ID, "Grace Hopper", "grace.hopper@northwind.example",
						"Northwind Traders", "VP Engineering"),
						new Contact("C-2002", "Alan Turing", "alan@contoso.example", "Contoso Pharmaceuticals",
								"Head of Data"),
						new Contact("C-2003", "Katherine Johnson", "kjohnson@globex.example", "Globex Corporation",
								"CTO"),
						new Contact("C-2004", "Dorothy Vaughan", "dvaughan@globex.example", "Globex Corporation",
								"Procurement Lead"),
						new Contact("C-2005", "Edsger Dijkstra", "edsger@initech.example", "Initech", "IT Manager"),
						new Contact("C-2006", "Barbara Liskov", "barbara@umbrella.example", "Umbrella Logistics",
								"COO"),
						new Contact("C-2007", "John Backus", "jbackus@stark.example", "Stark Fabrication",
								"Operations Director")));
	}

	private static Deal deal(String id, String name, String company, DealStage stage, long amount,
			List<String> contacts, Instant updatedAt) {
		return new Deal(id, name, company, stage, amount, "USD", contacts, 1, updatedAt);
	}

}
