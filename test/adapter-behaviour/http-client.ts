import { request as httpRequest } from 'node:http';
import { headerText, parseBody, type TestResponse } from './harness.js';

/** One request over a fresh connection (no keep-alive, so closing the server never waits on it). */
export function httpGet(base: string, path: string, headers: Record<string, string>, method = 'GET'): Promise<TestResponse> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${base}${path}`, { method, headers, agent: false }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => {
        const out: Record<string, string | undefined> = {};
        for (const [name, value] of Object.entries(response.headers)) out[name] = headerText(value);
        resolve({ status: response.statusCode ?? 0, headers: out, body: parseBody(out['content-type'], text) });
      });
    });
    request.on('error', reject);
    request.end();
  });
}
