import { benchModeration } from './moderation.ts';
console.log(await benchModeration());
