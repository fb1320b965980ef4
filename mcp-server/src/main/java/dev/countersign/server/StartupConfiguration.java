package dev.countersign.server;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import dev.countersign.server.approval.CibaProperties;
import dev.countersign.server.auth.AuthProperties;
import dev.countersign.server.provider.VaultProperties;
import dev.countersign.server.tool.deal.DealProperties;

/**
 * Refuses to start when settings contradict each other ({@link TenantChecks}). Settings
 * that are wrong on their own are refused where they are read.
 */
@Configuration(proxyBeanMethods = false)
class StartupConfiguration {

	@Bean
	TenantChecked tenantChecks(AuthProperties auth, CibaProperties ciba, VaultProperties vault, DealProperties deals,
			Environment environment) {
		TenantChecks.check(auth, ciba, vault, deals, environment);
		return new TenantChecked(TenantChecks.realTenant(auth.requireIssuer()));
	}

	/**
	 * The settings passed {@link TenantChecks}.
	 *
	 * @param realTenant whether the issuer is a real tenant rather than loopback
	 */
	record TenantChecked(boolean realTenant) {
	}

}
