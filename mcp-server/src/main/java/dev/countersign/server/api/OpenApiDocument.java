package dev.countersign.server.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The hand-written OpenAPI 3.1 document of the config API at
 * {@code GET /api/v1/openapi.json}, behind the same console authentication as the rest of
 * {@code /api/v1}. It lists every path of DESIGN §7 that this build serves.
 */
@RestController
class OpenApiDocument {

	static final String RESOURCE = "/countersign/openapi.json";

	private final String document;

	OpenApiDocument() {
		try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE)) {
			if (in == null) {
				throw new IllegalStateException("The OpenAPI document " + RESOURCE + " is missing from the build");
			}
			this.document = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@GetMapping("/api/v1/openapi.json")
	ResponseEntity<String> openApi() {
		return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(this.document);
	}

}
