// The OpenAI server driven by the official OpenAI client library (npm `openai`, pinned in
// package.json): hearth-cli serve, and the app's engine process serving the model it loaded. Run by
// ../run_with_server.py, which starts either on stories260K and passes
// HEARTH_SERVER_URL, HEARTH_API_KEY, HEARTH_MODEL_ID; argv[2] is llama.cpp's reference for the model
// (testdata/reference/llamacpp/stories260K.json: a raw prompt and its 64-token greedy continuation).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';

let OpenAI;
try {
    ({ default: OpenAI } = await import('openai'));
} catch (error) {
    console.log('FAIL: the npm package `openai` is not installed in tests/server/openai_client; '
        + `scripts/install-deps.sh runs \`npm ci\` there (${error.message})`);
    process.exit(1);
}

const baseURL = process.env.HEARTH_SERVER_URL;
const apiKey = process.env.HEARTH_API_KEY;
const model = process.env.HEARTH_MODEL_ID;
const reference = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout: 60_000 });

// For the tests about arrival order: a new connection per request, so that a request started later
// cannot overtake an earlier one by reusing a kept-alive connection while the earlier one connects.
const freshClient = new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout: 60_000,
    httpAgent: new http.Agent({ keepAlive: false }) });

const tests = [];
const test = (name, run) => tests.push({ name, run });

async function expectApiError(promise, status, code) {
    try {
        await promise;
    } catch (error) {
        assert.ok(error instanceof OpenAI.APIError, `expected an APIError, got ${error}`);
        assert.equal(error.status, status, error.message);
        if (code !== undefined) assert.equal(error.code, code, error.message);
        return error;
    }
    assert.fail(`expected HTTP ${status}, the request succeeded`);
}

async function collect(stream, field) {
    let text = '';
    let finishReason = null;
    let usage = null;
    for await (const chunk of stream) {
        if (chunk.usage) usage = chunk.usage;
        for (const choice of chunk.choices) {
            text += field(choice) ?? '';
            if (choice.finish_reason) finishReason = choice.finish_reason;
        }
    }
    return { text, finishReason, usage };
}

test('list models', async () => {
    const models = await client.models.list();
    assert.deepEqual(models.data.map((m) => m.id), [model]);
    assert.equal((await client.models.retrieve(model)).id, model);
    await expectApiError(client.models.retrieve('no-such-model'), 404, 'model_not_found');
});

test('completion equals the llama.cpp reference', async () => {
    const completion = await client.completions.create({
        model, prompt: reference.prompt, max_tokens: 64, temperature: 0,
    });
    assert.equal(completion.choices[0].text, reference.greedy_text);
    assert.equal(completion.choices[0].finish_reason, 'length');
    assert.deepEqual(completion.usage, {
        prompt_tokens: reference.prompt_tokens.length, completion_tokens: 64,
        total_tokens: reference.prompt_tokens.length + 64,
    });
});

test('streamed completion equals the llama.cpp reference', async () => {
    const stream = await client.completions.create({
        model, prompt: reference.prompt, max_tokens: 64, temperature: 0, stream: true,
        stream_options: { include_usage: true },
    });
    const { text, finishReason, usage } = await collect(stream, (choice) => choice.text);
    assert.equal(text, reference.greedy_text);
    assert.equal(finishReason, 'length');
    assert.equal(usage.completion_tokens, 64);
});

test('stop sequences end the text before them', async () => {
    // The reference continuation holds "named Lily."; stopping at " Lily" keeps what comes before.
    const completion = await client.completions.create({
        model, prompt: reference.prompt, max_tokens: 64, temperature: 0, stop: [' Lily', 'never'],
    });
    const expected = reference.greedy_text.slice(0, reference.greedy_text.indexOf(' Lily'));
    assert.equal(completion.choices[0].text, expected);
    assert.equal(completion.choices[0].finish_reason, 'stop');
});

// stories260K has no chat template: a conversation is the plain transcript "User: …\nAssistant:",
// ended at "\nUser:". The chat reply must be that prompt's raw greedy continuation.
test('chat completion, whole and streamed, is the model format\'s continuation', async () => {
    const content = 'Once upon a time';
    const raw = await client.completions.create({
        model, prompt: `User: ${content}\nAssistant:`, max_tokens: 32, temperature: 0, stop: ['\nUser:'],
    });
    const expected = raw.choices[0].text;
    assert.ok(expected.length > 0);

    const messages = [{ role: 'user', content }];
    const chat = await client.chat.completions.create({ model, messages, max_tokens: 32, temperature: 0, seed: 7 });
    assert.equal(chat.object, 'chat.completion');
    assert.equal(chat.choices[0].message.role, 'assistant');
    assert.equal(chat.choices[0].message.content, expected);
    assert.equal(chat.choices[0].finish_reason, raw.choices[0].finish_reason);
    assert.equal(chat.usage.total_tokens, chat.usage.prompt_tokens + chat.usage.completion_tokens);
    assert.ok(chat.usage.prompt_tokens > 5);

    const stream = await client.chat.completions.create({
        model, messages, max_tokens: 32, temperature: 0, stream: true, stream_options: { include_usage: true },
    });
    const streamed = await collect(stream, (choice) => choice.delta.content);
    assert.equal(streamed.text, expected);
    assert.equal(streamed.finishReason, chat.choices[0].finish_reason);
    assert.deepEqual(streamed.usage, chat.usage);
});

test('sampling with a seed repeats itself', async () => {
    const ask = () => client.chat.completions.create({
        model, messages: [{ role: 'user', content: 'Tell me a story' }], max_tokens: 24, temperature: 1.0,
        top_p: 0.9, seed: 1234,
    });
    const [a, b] = [await ask(), await ask()];
    assert.equal(a.choices[0].message.content, b.choices[0].message.content);
});

test('a wrong key is refused with 401', async () => {
    const wrong = new OpenAI({ baseURL, apiKey: apiKey + 'x', maxRetries: 0 });
    await expectApiError(wrong.models.list(), 401, 'invalid_api_key');
    await expectApiError(wrong.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] }),
        401, 'invalid_api_key');
});

test('a missing key is refused with 401', async () => {
    // The client library always sends a key; without one is a plain HTTP request.
    for (const path of ['/models', '/chat/completions']) {
        const response = await fetch(baseURL + path, {
            method: path === '/models' ? 'GET' : 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: path === '/models' ? undefined : JSON.stringify({ model, messages: [] }),
        });
        assert.equal(response.status, 401);
        const body = await response.json();
        assert.equal(body.error.code, 'invalid_api_key');
        assert.equal(body.error.type, 'invalid_request_error');
    }
});

test('bad JSON and bad fields are 400', async () => {
    const response = await fetch(baseURL + '/chat/completions', {
        method: 'POST', body: '{"model": "x", "messages": [',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${apiKey}` },
    });
    assert.equal(response.status, 400);
    const body = await response.json();
    assert.equal(body.error.type, 'invalid_request_error');
    assert.match(body.error.message, /not valid JSON/);

    await expectApiError(client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }],
        temperature: 5 }), 400);
    await expectApiError(client.chat.completions.create({ model, messages: [] }), 400);
    await expectApiError(client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }),
        404, 'model_not_found');
});

test('an over-long prompt is context_length_exceeded', async () => {
    const error = await expectApiError(client.chat.completions.create({
        model, messages: [{ role: 'user', content: 'Once upon a time '.repeat(1000) }], max_tokens: 8,
    }), 400, 'context_length_exceeded');
    assert.equal(error.type, 'invalid_request_error');
    assert.match(error.message, /maximum context length is \d+ tokens/);
    await expectApiError(client.completions.create({ model, prompt: reference.prompt, max_tokens: 100000 }),
        400, 'context_length_exceeded');
});

test('a client that aborts mid-stream frees the model at once', async () => {
    // Left alone this generation runs for seconds (nearly the whole context).
    const controller = new AbortController();
    const stream = await client.completions.create({
        model, prompt: reference.prompt, max_tokens: 2000, temperature: 0, stream: true,
    }, { signal: controller.signal });
    let chunks = 0;
    for await (const chunk of stream) {
        assert.equal(chunk.choices[0].finish_reason, null);
        if (++chunks === 10) {
            controller.abort(); // closes the connection
            break;
        }
    }
    const start = Date.now();
    const next = await client.completions.create({ model, prompt: reference.prompt, max_tokens: 1, temperature: 0 });
    const waited = Date.now() - start;
    assert.equal(next.choices[0].text, reference.greedy_text.slice(0, next.choices[0].text.length));
    assert.ok(waited < 1000, `the next request waited ${waited} ms for the aborted generation`);
});

test('8 concurrent clients are all answered, in order', async () => {
    const finished = [];
    const requests = [];
    for (let i = 0; i < 8; ++i) {
        // Started 100 ms apart so that they reach the server in this order, while the first, long
        // one generates.
        requests.push(freshClient.completions.create({
            model, prompt: reference.prompt, max_tokens: i === 0 ? 600 : 64 + i, temperature: 0,
        }).then((completion) => {
            finished.push(i);
            return completion;
        }));
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const answers = await Promise.all(requests);
    assert.deepEqual(finished, [0, 1, 2, 3, 4, 5, 6, 7]);
    answers.forEach((answer, i) => {
        assert.equal(answer.usage.completion_tokens, i === 0 ? 600 : 64 + i);
        assert.ok(answer.choices[0].text.startsWith(reference.greedy_text));
    });
});

test('a full line is refused with 429', async () => {
    // One long generation, streamed so that the others are sent only once it is under way (a timed
    // gap would not do: a fast machine finishes it first); then 10 more: 8 may wait (hearth-cli
    // serve's default --queue), the other 2 are refused at once.
    const first = await freshClient.completions.create({
        model, prompt: reference.prompt, max_tokens: 1500, temperature: 0, stream: true,
    });
    const pieces = first[Symbol.asyncIterator]();
    await pieces.next(); // the first piece: it generates
    const results = [];
    const requests = [];
    for (let i = 1; i <= 10; ++i) {
        requests.push(freshClient.completions.create({
            model, prompt: reference.prompt, max_tokens: 1, temperature: 0,
        }).then(() => { results[i] = 'ok'; }, (error) => { results[i] = `${error.status} ${error.code}`; }));
        await new Promise((resolve) => setTimeout(resolve, 10));
    }
    for (let piece = await pieces.next(); !piece.done; piece = await pieces.next()) {}
    await Promise.all(requests);
    const refused = '429 rate_limit_exceeded';
    assert.deepEqual(results.slice(1).sort(), [...Array(8).fill('ok'), refused, refused].sort());
});

let failed = 0;
for (const { name, run } of tests) {
    try {
        await run();
        console.log(`PASS ${name}`);
    } catch (error) {
        ++failed;
        console.log(`FAIL ${name}\n  ${error.stack ?? error}`);
    }
}
console.log(`${tests.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
