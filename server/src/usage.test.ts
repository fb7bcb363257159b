import { describe, expect, it } from 'vitest';
import { configSchema, parseFlags } from './config.ts';
import { flagOf, usage } from './usage.ts';

describe('--help', () => {
  const text = usage({ RELAY_DATA_DIR: '/home/ann/.config/cosy-relay' });

  it('lists every setting with its flag, its default and its meaning', () => {
    for (const [name, schema] of Object.entries(configSchema.shape)) {
      expect(schema.description, `${name} has no .describe() in config.ts`).toMatch(/\S/);
      expect(text).toContain(`${flagOf(name)} <value>   ${name}`);
      expect(text).toContain(schema.description);
    }
    expect(text).toContain('RELAY_PORT   (default: 8787)');
    expect(text).toContain('TTS_ENGINE   (default: embedded)');
    expect(text).toContain('COSYVOICE_URL   (default: wss://dashscope.aliyuncs.com/api-ws/v1/inference)');
  });

  it("shows the caller's default over the schema's and no default where there is none", () => {
    expect(text).toContain('RELAY_DATA_DIR   (default: /home/ann/.config/cosy-relay)');
    expect(text).toMatch(/RELAY_TOKEN\n/);
  });

  it('names flags the way they are read back', () => {
    for (const name of Object.keys(configSchema.shape)) expect(Object.keys(parseFlags([flagOf(name), 'x']))).toEqual([name]);
  });
});
