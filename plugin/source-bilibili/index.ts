export { BILIBILI_DANMAKU_URL, createBilibiliSource, type BilibiliSourceOptions } from './bilibili-source.ts';
export { DEFAULT_BILIBILI_TRIGGERS, type BilibiliTriggers } from './bilibili-commands.ts';
