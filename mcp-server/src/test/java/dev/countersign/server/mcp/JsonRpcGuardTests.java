package dev.countersign.server.mcp;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class JsonRpcGuardTests {

	private final JsonRpcGuard guard = new JsonRpcGuard();

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|',
			textBlock = """
					not json                  | {not json                                                                  | -32700 | not valid JSON
					empty                     | ''                                                                         | -32700 | empty
					batch                     | [{"jsonrpc":"2.0","id":1,"method":"ping"}]                                 | -32600 | batches
					scalar                    | 42                                                                         | -32600 | must be an object
					wrong version             | {"jsonrpc":"1.0","id":1,"method":"ping"}                                   | -32600 | 'jsonrpc'
					object id                 | {"jsonrpc":"2.0","id":{"a":1},"method":"ping"}                             | -32600 | 'id'
					method not string         | {"jsonrpc":"2.0","id":1,"method":7}                                        | -32600 | 'method'
					params not object         | {"jsonrpc":"2.0","id":1,"method":"tools/list","params":[1]}                | -32602 | 'params'
					unknown method            | {"jsonrpc":"2.0","id":1,"method":"resources/list"}                         | -32601 | resources/list
					tool call without name    | {"jsonrpc":"2.0","id":1,"method":"tools/call","params":{}}                 | -32602 | 'name'
					arguments not object      | {"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"deal_get","arguments":"x"}} | -32602 | 'arguments'
					neither request nor reply | {"jsonrpc":"2.0","id":1}                                                   | -32600 | 'method'
					""")
	void checkWhenMalformedThenProtocolErrorNamingIt(String name, String body, int code, String mentions) {
		JsonRpcGuard.Rejection rejection = this.guard.check(body.getBytes(StandardCharsets.UTF_8), true);
		assertThat(rejection).as(name).isNotNull();
		assertThat(rejection.code()).as(name).isEqualTo(code);
		assertThat(rejection.message()).as(name).contains(mentions);
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			initialize   | {"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}
			tool call    | {"jsonrpc":"2.0","id":"a","method":"tools/call","params":{"name":"deal_list","arguments":{}}}
			notification | {"jsonrpc":"2.0","method":"notifications/initialized"}
			unknown note | {"jsonrpc":"2.0","method":"notifications/whatever"}
			reply        | {"jsonrpc":"2.0","id":3,"result":{}}
			""")
	void checkWhenWellFormedThenPasses(String name, String body) {
		assertThat(this.guard.check(body.getBytes(StandardCharsets.UTF_8), true)).as(name).isNull();
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			tools/list without session | {"jsonrpc":"2.0","id":1,"method":"tools/list"}
			""")
	void checkWhenRequestWithoutSessionThenInvalidRequest(String name, String body) {
		JsonRpcGuard.Rejection rejection = this.guard.check(body.getBytes(StandardCharsets.UTF_8), false);
		assertThat(rejection).isNotNull();
		assertThat(rejection.message()).contains("Mcp-Session-Id");
		assertThat(rejection.id()).isInstanceOf(Number.class).hasToString("1");
	}

}
