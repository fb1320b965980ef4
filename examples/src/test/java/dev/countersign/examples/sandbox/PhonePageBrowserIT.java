package dev.countersign.examples.sandbox;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

import dev.countersign.server.tool.ToolCatalog;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The phone approval page in a real headless Chromium (Debian's chromium and
 * chromedriver, which {@code .ci/run} installs): a pending CIBA request shows its code
 * and each action, a low-confidence one flagged, and tapping Approve approves it.
 */
class PhonePageBrowserIT {

	private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	private static RunningSandbox sandbox;

	private static WebDriver browser;

	@BeforeAll
	static void start() {
		assertThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER))
			.as("Debian's chromium and chromium-driver must be installed (.ci/run installs them)")
			.isTrue();
		sandbox = RunningSandbox.start("--countersign.approval.batch-window=1s");
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
	void phoneShowsTheBatchAndApprovingItRunsTheWrites() throws Exception {
		try (SandboxAgent agent = SandboxAgent.connect(sandbox, "phone-user")) {
			String issue = agent.queue("github_create_issue", Map.of("repo", ToolCatalog.EXAMPLE_REPO, "title",
					"<script>alert(1)</script> drift", "confidence", 0.9));
			String event = agent.queue("calendar_create_event", Map.of("summary", "Pipeline review", "start",
					"2026-12-01T15:00:00Z", "end", "2026-12-01T15:30:00Z", "confidence", 0.3));

			browser.get(sandbox.baseUrl() + "/sandbox/phone?user=phone-user");
			WebElement card = new WebDriverWait(browser, Duration.ofSeconds(20)).until(
					(driver) -> driver.findElements(By.cssSelector("article.card")).stream().findFirst().orElse(null));
			String message = card.findElement(By.cssSelector(".message")).getText();
			String code = card.findElement(By.cssSelector(".code")).getText();
			assertThat(message).startsWith("Countersign: 2 actions").endsWith("#" + code);
			List<WebElement> lines = card.findElements(By.cssSelector("ul.details li"));
			assertThat(lines).hasSize(2);
			// The low-confidence write is listed first and flagged.
			assertThat(lines.get(0).getAttribute("class")).contains("low");
			assertThat(lines.get(0).getText()).contains("calendar_create_event");
			assertThat(lines.get(1).getText()).contains("<script>alert(1)</script>");
			assertThat(browser.findElements(By.tagName("script"))
				.stream()
				.map((script) -> script.getAttribute("innerHTML"))
				.collect(Collectors.joining())).doesNotContain("alert(1)");

			card.findElement(By.cssSelector("button.approve")).click();
			assertThat(agent.awaitFinal(issue, Duration.ofSeconds(40))).isEqualTo("succeeded");
			assertThat(agent.awaitFinal(event, Duration.ofSeconds(40))).isEqualTo("succeeded");
		}
	}

}
