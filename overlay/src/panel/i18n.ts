/** Minimal zh/en labels for the panel. */
export type Lang = 'zh' | 'en';

const en = {
  title: 'cosy-relay',
  tokenLabel: 'Panel token',
  tokenHint: 'The RELAY_TOKEN printed by the relay at start-up. Kept in this browser only.',
  login: 'Log in',
  logout: 'Log out',
  sendLabel: 'Read out',
  send: 'Send',
  sending: 'Sending…',
  sent: 'Queued',
  queue: 'Queue',
  empty: 'Nothing queued.',
  skip: 'Skip',
  skipped: 'Skipped',
  lang: '中文',
  'conn.idle': 'not connected',
  'conn.connecting': 'connecting…',
  'conn.connected': 'connected',
  'conn.disconnected': 'disconnected — reconnecting…',
  'conn.unauthorized': 'wrong token',
  unauthorized: 'Token rejected by the relay (unauthorized). Check RELAY_TOKEN and log in again.',
  timeout: 'No answer from the relay (timeout).',
  emptyText: 'Type something to read out.',
  'state.queued': 'queued',
  'state.synthesizing': 'synthesizing',
  'state.playing': 'playing',
  'state.played': 'played',
  'state.skipped': 'skipped',
  'state.dropped': 'dropped',
};

export type LabelKey = keyof typeof en;

const zh: Record<LabelKey, string> = {
  title: 'cosy-relay',
  tokenLabel: '控制台令牌',
  tokenHint: '中继启动时打印的 RELAY_TOKEN，只保存在本浏览器中。',
  login: '登录',
  logout: '退出',
  sendLabel: '朗读文本',
  send: '发送',
  sending: '发送中…',
  sent: '已加入队列',
  queue: '队列',
  empty: '队列为空。',
  skip: '跳过',
  skipped: '已跳过',
  lang: 'English',
  'conn.idle': '未连接',
  'conn.connecting': '连接中…',
  'conn.connected': '已连接',
  'conn.disconnected': '连接断开，正在重连…',
  'conn.unauthorized': '令牌错误',
  unauthorized: '中继拒绝了该令牌（unauthorized）。请检查 RELAY_TOKEN 后重新登录。',
  timeout: '中继无响应（超时）。',
  emptyText: '请输入要朗读的文字。',
  'state.queued': '排队中',
  'state.synthesizing': '合成中',
  'state.playing': '播放中',
  'state.played': '已播放',
  'state.skipped': '已跳过',
  'state.dropped': '已丢弃',
};

export const LABELS: Record<Lang, Record<LabelKey, string>> = { en, zh };

export function defaultLang(stored: string | null, navigatorLang: string): Lang {
  if (stored === 'zh' || stored === 'en') return stored;
  return navigatorLang.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}
