/**
 * `GET /`: a person who opens the relay's address in a browser learns where to go. The
 * page holds no secret (anyone who can reach the port may read it): it links to the panel,
 * which asks for the API token, and says where the URLs with the token and the overlay key
 * are printed. English and Chinese, no script, no outside resource.
 */
export const LANDING_PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export const LANDING_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>cosy-relay</title>
<style>
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; }
code { background: #8882; padding: 0 .25em; border-radius: 3px; }
a.button { display: inline-block; padding: .5em 1em; border-radius: 6px; background: #2563eb; color: #fff; text-decoration: none; }
</style>
</head>
<body>
<h1>cosy-relay is running</h1>
<p><a class="button" href="/panel">Open the control panel</a> <a class="button" href="/captioner">Live subtitles of your voice</a></p>
<p>The panel (and the captioner) asks for the <strong>API token</strong>. The terminal where you started the relay
printed two addresses with their secrets in them:</p>
<ul>
<li><code>panel:</code> the panel with the token (opens without asking),</li>
<li><code>overlay</code>: the page to add to OBS as a browser source, with its key.</li>
</ul>
<p>The token is also the <code>RELAY_TOKEN</code> setting, or, when that is not set, in
<code>secrets.json</code> in the relay's data folder (<code>RELAY_DATA_DIR</code>). Keep both
addresses private: anyone with them can control the relay or read its audio.</p>
<hr>
<h2 lang="zh">cosy-relay 正在运行</h2>
<p lang="zh"><a class="button" href="/panel">打开控制面板</a> <a class="button" href="/captioner">你的语音实时字幕</a></p>
<p lang="zh">面板（和字幕采集页）会要求输入 <strong>API 令牌</strong>。启动 relay 的终端里打印了两个带密钥的地址：
<code>panel:</code>（带令牌的面板地址，打开即可使用）和 <code>overlay</code>（在 OBS 中添加为浏览器源的浮层地址，带密钥）。
令牌也就是 <code>RELAY_TOKEN</code> 设置；未设置时保存在数据目录（<code>RELAY_DATA_DIR</code>）的 <code>secrets.json</code> 中。
请勿公开这两个地址。</p>
</body>
</html>
`;
