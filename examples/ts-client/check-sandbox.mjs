// Checks a running Countersign sandbox with the official MCP TypeScript SDK, which is
// stricter about schemas than the Java one. Usage: node check-sandbox.mjs <baseUrl>
// Prints one line per check, then "N passed, M failed"; exits non-zero if any failed.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';

const EXPECTED_TOOL_COUNT = 22;

const baseUrl = (process.argv[2] ?? '').replace(/\/+$/, '');
if (!baseUrl) {
	console.error('usage: node check-sandbox.mjs <baseUrl>');
	process.exit(2);
}

let passed = 0;
let failed = 0;

async function check(name, body) {
	try {
		const detail = await body();
		passed++;
		console.log(`PASS ${name}${detail ? ` (${detail})` : ''}`);
	}
	catch (err) {
		failed++;
		console.log(`FAIL ${name}: ${err?.message ?? err}`);
	}
}

function expect(condition, message) {
	if (!condition) {
		throw new Error(message);
	}
}

// Client.callTool validates structuredContent against the outputSchema that listTools
// cached, using this validator. Wrapping the SDK's default (Ajv) validator lets the
// checks see that the validation really ran, rather than trusting that it did.
class RecordingValidator {
	constructor() {
		this.ajv = new AjvJsonSchemaValidator();
		this.runs = 0;
		this.bySchema = new Map();
	}

	getValidator(schema) {
		const validate = this.ajv.getValidator(schema);
		this.bySchema.set(schema, validate);
		return (input) => {
			this.runs++;
			return validate(input);
		};
	}
}

const validator = new RecordingValidator();
let token;
let client;
let tools = {};

function connect(token, jsonSchemaValidator) {
	const client = new Client({ name: 'countersign-ts-sdk-check', version: '1.0.0' }, { jsonSchemaValidator });
	const headers = token ? { Authorization: `Bearer ${token}` } : {};
	const transport = new StreamableHTTPClientTransport(new URL(`${baseUrl}/mcp`), { requestInit: { headers } });
	return client.connect(transport).then(() => client);
}

async function callValidated(name, args) {
	const runsBefore = validator.runs;
	const result = await client.callTool({ name, arguments: args });
	expect(!result.isError, `isError: ${result.content?.[0]?.text}`);
	expect(validator.runs === runsBefore + 1, 'the SDK did not validate structuredContent');
	return result.structuredContent;
}

await check('token from /sandbox/token', async () => {
	const response = await fetch(`${baseUrl}/sandbox/token?agent=ts-sdk-check`);
	expect(response.ok, `HTTP ${response.status}`);
	token = (await response.json()).access_token;
	expect(typeof token === 'string' && token.length > 0, 'no access_token');
});

await check('connect with bearer token', async () => {
	client = await connect(token, validator);
	const server = client.getServerVersion();
	return `server ${server?.name} ${server?.version}`;
});

await check(`listTools gives ${EXPECTED_TOOL_COUNT} tools, each with an object outputSchema`, async () => {
	const result = await client.listTools();
	tools = Object.fromEntries(result.tools.map((tool) => [tool.name, tool]));
	expect(result.tools.length === EXPECTED_TOOL_COUNT, `got ${result.tools.length} tools`);
	const without = result.tools.filter((tool) => tool.outputSchema?.type !== 'object').map((tool) => tool.name);
	expect(without.length === 0, `no object outputSchema: ${without.join(', ')}`);
	return `${result.tools.length} tools`;
});

await check('SDK output validation rejects a deal_get result missing fields', async () => {
	const validate = validator.bySchema.get(tools.deal_get?.outputSchema);
	expect(validate, 'listTools compiled no validator for deal_get');
	expect(!validate({ deal: { id: 'D-0' }, contacts: [] }).valid, 'an incomplete deal passed validation');
});

await check('deal_list returns deals valid against its outputSchema', async () => {
	const { deals, count } = await callValidated('deal_list', {});
	expect(Array.isArray(deals) && deals.length > 0, 'no deals');
	expect(count === deals.length, `count ${count} but ${deals.length} deals`);
	return `${count} deals`;
});

await check('deal_get with its inputSchema example returns a deal valid against its outputSchema', async () => {
	const dealId = tools.deal_get?.inputSchema.properties?.deal_id?.examples?.[0];
	expect(dealId, 'deal_get inputSchema has no deal_id example');
	const { deal, contacts } = await callValidated('deal_get', { deal_id: dealId });
	expect(deal.id === dealId, `asked for ${dealId}, got ${deal.id}`);
	return `${deal.id}, ${contacts.length} contact(s)`;
});

await check('a write queued from its schema examples answers pending_approval valid against its outputSchema', async () => {
	const properties = tools.deal_create?.inputSchema.properties ?? {};
	const args = Object.fromEntries((tools.deal_create?.inputSchema.required ?? [])
		.map((name) => [name, properties[name]?.examples?.[0]]));
	const { status, action_id: actionId } = await callValidated('deal_create', args);
	expect(status === 'pending_approval', `status ${status}`);
	expect(typeof actionId === 'string' && actionId.length > 0, 'no action_id');
	return actionId;
});

await check('deal_get without arguments is an error naming deal_id', async () => {
	const result = await client.callTool({ name: 'deal_get', arguments: {} });
	const text = (result.content ?? []).map((item) => item.text ?? '').join(' ');
	expect(result.isError === true, 'isError is not true');
	expect(text.includes('deal_id'), `text does not name deal_id: ${text}`);
});

await check('connecting without a token is refused with 401', async () => {
	let error;
	try {
		const anonymous = await connect(undefined, new AjvJsonSchemaValidator());
		await anonymous.close();
	}
	catch (err) {
		error = err;
	}
	expect(error, 'connected without a token');
	expect(error.code === 401, `failed, but not with 401: ${error.message}`);
});

await client?.close().catch(() => {});
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
