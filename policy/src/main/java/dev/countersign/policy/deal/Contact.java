package dev.countersign.policy.deal;

import java.util.Objects;

/**
 * A person at a customer.
 *
 * @param id the contact id, for example {@code C-2001}
 * @param name full name
 * @param email email address
 * @param company the company they work for
 * @param title job title
 */
public record Contact(String id, String name, String email, String company, String title) {

	public Contact {
		Objects.requireNonNull(id, "id must not be null");
		Objects.requireNonNull(name, "name must not be null");
		Objects.requireNonNull(email, "email must not be null");
		Objects.requireNonNull(company, "company must not be null");
		Objects.requireNonNull(title, "title must not be null");
	}

}
