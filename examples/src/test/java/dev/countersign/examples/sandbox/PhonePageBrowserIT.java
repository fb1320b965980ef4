package dev.countersign.examples.sandbox;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.env.Environment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The phone approval page in a real headless Chromium (Debian's chromium and
 * chromedriver, which {@code .ci/run} installs): a pending CIBA request shows its code
 * and each action, a low-confidence one flagged, and tapping Approve approves it.
 */
class PhonePageBrowserIT {

	private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static RunningSandbox sandbox;

	private static WebDriver browser;

	@BeforeAll
	static void start() {
		assertThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER))
			.as("Debian's chromium and chromium-driver must be installed (.ci/run installs them)")
			.isTrue();
		sandbox = RunningSandbox.start();
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toFile());
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
				"--window-size=390,844");
		browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
			.usingAnyFreePort()
			.build(), options);
	}

	@AfterAll
	static void stop() {
		if (browser != null) {
			browser.quit();
		}
		sandbox.close();
	}

	@Test
	void phoneShowsTheRequestAndApprovesItOnTap() throws Exception {
		String authReqId = startRequest("phone-user", "Countersign: 2 actions - 1 email, 1 github #7K2Q",
				List.of("1. [low confidence] email_send: 2 recipients (1 external), subject 'Renewal'",
						"2. github_create_issue: ada-lovelace/analytical-engine: issue '<script>alert(1)</script>'"));
		browser.get(sandbox.baseUrl() + "/sandbox/phone");
		WebElement card = new WebDriverWait(browser, Duration.ofSeconds(10))
			.until((driver) -> driver.findElement(By.cssSelector("article.card[data-id='" + authReqId + "']")));
		assertThat(card.findElement(By.cssSelector(".code")).getText()).isEqualTo("7K2Q");
		List<WebElement> lines = card.findElements(By.cssSelector("ul.details li"));
		assertThat(lines).hasSize(2);
		assertThat(lines.get(0).getAttribute("class")).contains("low");
		assertThat(lines.get(1).getText()).contains("<script>alert(1)</script>");
		assertThat(browser.findElements(By.tagName("script"))
			.stream()
			.map((script) -> script.getAttribute("innerHTML"))
			.collect(Collectors.joining())).doesNotContain("alert(1)");

		card.findElement(By.cssSelector("button.approve")).click();
		new WebDriverWait(browser, Duration.ofSeconds(10)).until(
				(driver) -> driver.findElements(By.cssSelector("article.card[data-id='" + authReqId + "']")).isEmpty());
		assertThat(sandbox.bean(CibaRequests.class).find(authReqId).orElseThrow().status())
			.isEqualTo(CibaRequests.Status.APPROVED);
	}

	private static String startRequest(String user, String bindingMessage, List<String> lines) throws Exception {
		Environment environment = sandbox.bean(Environment.class);
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("type", "urn:auth0:schemas:authorization-details:v1:countersign-batch");
		details.put("properties", lines);
		Map<String, String> form = new LinkedHashMap<>();
		form.put("client_id", environment.getProperty("countersign.ciba.client-id"));
		form.put("client_secret", environment.getProperty(SandboxVaultSecret.CIBA_PROPERTY));
		form.put("scope", "openid");
		form.put("audience", sandbox.mcpUrl());
		form.put("login_hint",
				"{\"format\":\"iss_sub\",\"iss\":\"" + sandbox.baseUrl() + "/auth0/\",\"sub\":\"auth0|" + user + "\"}");
		form.put("binding_message", bindingMessage);
		form.put("authorization_details", JSON.writeValueAsString(List.of(details)));
		String body = form.entrySet()
			.stream()
			.map((entry) -> entry.getKey() + "=" + URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8))
			.collect(Collectors.joining("&"));
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/auth0/bc-authorize"))
				.header("Content-Type", "application/x-www-form-urlencoded")
				.POST(HttpRequest.BodyPublishers.ofString(body))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return JSON.readTree(response.body()).get("auth_req_id").asString();
	}

}
