/**
 * A fake Bilibili live danmaku server (WebSocket on 127.0.0.1, port 0) speaking the real
 * binary protocol: it requires an auth packet first (operation 7, checked and recorded),
 * answers it (operation 8), answers heartbeats (operation 2) with the popularity
 * (operation 3, its heartbeat body echoed past the declared length as the real server does), and sends command packets raw, zlib- or brotli-compressed, several per body.
 * It builds its packets itself (not with the plugin's encoder) so the two check each other.
 */
import { once } from 'node:events';
import { brotliCompressSync, deflateSync } from 'node:zlib';
import { WebSocketServer, type WebSocket } from 'ws';

export type BodyCompression = 'none' | 'zlib' | 'brotli';

export interface FakeBilibiliLive {
  url: string;
  /** Parsed JSON bodies of every auth packet received. */
  readonly authBodies: unknown[];
  /** Heartbeats received (all connections). */
  heartbeatCount(): number;
  connectionCount(): number;
  /** Packets that broke the protocol (e.g. anything before auth); the server closed those sockets. */
  protocolErrorCount(): number;
  /** Sends the commands in ONE frame: one body holding one packet per command. */
  sendCommands(commands: object[], compression: BodyCompression): void;
  /** Sends raw bytes as one binary frame. */
  sendRaw(frame: Buffer): void;
  dropConnections(): void;
  close(): Promise<void>;
}

export interface FakeBilibiliLiveOptions {
  /** Auth reply code; 0 = accepted. */
  authCode?: number;
  /** false = swallow heartbeats (a half-dead server); default true. */
  answerHeartbeats?: boolean;
  /** The popularity (人气值) sent in heartbeat replies; default 5251. */
  popularity?: number;
  port?: number;
}

/** A packet built from the documented layout (header u32 len, u16 16, u16 protover, u32 op, u32 seq). */
export function bilibiliPacket(operation: number, protover: number, body: Buffer): Buffer {
  const header = Buffer.from([0, 0, 0, 0, 0, 16, 0, protover, 0, 0, 0, operation, 0, 0, 0, 1]);
  header.writeUInt32BE(16 + body.length, 0);
  return Buffer.concat([header, body]);
}

function commandFrame(commands: object[], compression: BodyCompression): Buffer {
  const packets = commands.map((c) => bilibiliPacket(5, 0, Buffer.from(JSON.stringify(c))));
  if (compression === 'none') return Buffer.concat(packets);
  const inner = Buffer.concat(packets);
  return compression === 'zlib' ? bilibiliPacket(5, 2, deflateSync(inner)) : bilibiliPacket(5, 3, brotliCompressSync(inner));
}

export async function startFakeBilibiliLive(options: FakeBilibiliLiveOptions = {}): Promise<FakeBilibiliLive> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: options.port ?? 0 });
  await once(wss, 'listening');
  const authBodies: unknown[] = [];
  const authed = new WeakSet<WebSocket>();
  let heartbeats = 0;
  let connections = 0;
  let protocolErrors = 0;

  const onPacket = (ws: WebSocket, operation: number, body: Buffer): void => {
    if (!authed.has(ws)) {
      if (operation !== 7) {
        protocolErrors += 1;
        ws.close(1008, 'auth first');
        return;
      }
      authBodies.push(JSON.parse(body.toString('utf8')));
      authed.add(ws);
      ws.send(bilibiliPacket(8, 1, Buffer.from(JSON.stringify({ code: options.authCode ?? 0 }))));
      return;
    }
    if (operation === 2) {
      heartbeats += 1;
      if (options.answerHeartbeats === false) return;
      const popularity = Buffer.alloc(4);
      popularity.writeUInt32BE(options.popularity ?? 5251);
      // As the live server does: the declared length covers the popularity only, and the
      // heartbeat body is echoed after it (bilibili-API-collect docs/live/message_stream.md).
      ws.send(Buffer.concat([bilibiliPacket(3, 1, popularity), body]));
    }
  };

  wss.on('connection', (ws) => {
    connections += 1;
    ws.on('message', (data: Buffer) => {
      for (let offset = 0; offset + 16 <= data.length; ) {
        const length = data.readUInt32BE(offset);
        if (length < 16) {
          protocolErrors += 1;
          ws.close(1008, 'bad length');
          return;
        }
        onPacket(ws, data.readUInt32BE(offset + 8), data.subarray(offset + 16, offset + length));
        offset += length;
      }
    });
  });

  const broadcast = (frame: Buffer): void => {
    for (const ws of wss.clients) if (authed.has(ws)) ws.send(frame);
  };

  const { port } = wss.address() as { port: number };
  return {
    url: `ws://127.0.0.1:${port}/sub`,
    authBodies,
    heartbeatCount: () => heartbeats,
    connectionCount: () => connections,
    protocolErrorCount: () => protocolErrors,
    sendCommands: (commands, compression) => broadcast(commandFrame(commands, compression)),
    sendRaw: broadcast,
    dropConnections() {
      for (const ws of wss.clients) ws.terminate();
    },
    async close() {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** Realistic command bodies, shaped like the ones the live servers send. */
export const bilibiliCommands = {
  danmaku(text: string, user: { uid: number; uname: string; admin?: boolean; guardLevel?: number }, emots?: string[]): object {
    const extra = JSON.stringify({ content: text, emots: emots ? Object.fromEntries(emots.map((e) => [e, { url: 'x' }])) : null });
    return {
      cmd: 'DANMU_MSG',
      info: [
        [0, 1, 25, 16777215, Date.now(), 1644558747, 0, 'c0ffee12', 0, 0, 0, '', 0, '{}', '{}', { mode: 0, extra }],
        text,
        [user.uid, user.uname, user.admin ? 1 : 0, 0, 0, 10000, 1, ''],
        [21, '観測者', 'anchor', 422915, 1725515, '', 0],
        [20, 0, 6406234, '>50000', 3],
        ['', ''],
        0,
        user.guardLevel ?? 0,
        null,
        { ts: 1644559560, ct: '59DEA791' },
        0,
        0,
        null,
        null,
        0,
        210,
      ],
    };
  },
  sticker(user: { uid: number; uname: string }): object {
    const danmaku = bilibiliCommands.danmaku('赞', user) as { info: unknown[][] };
    danmaku.info[0]![12] = 1;
    return danmaku;
  },
  gift(uname: string, giftName: string, num: number, totalCoin: number, coinType: 'gold' | 'silver' = 'gold'): object {
    return {
      cmd: 'SEND_GIFT',
      data: {
        action: '投喂',
        coin_type: coinType,
        giftId: 31036,
        giftName,
        num,
        price: totalCoin / num,
        total_coin: totalCoin,
        tid: `${Date.now()}${num}`,
        timestamp: Math.floor(Date.now() / 1000),
        uid: 777,
        uname,
      },
    };
  },
  superChat(id: number, uname: string, priceCny: number, message: string): object {
    return {
      cmd: 'SUPER_CHAT_MESSAGE',
      data: {
        id,
        uid: 888,
        price: priceCny,
        message,
        message_trans: '',
        start_time: 1,
        end_time: 61,
        time: 60,
        gift: { gift_id: 12000, gift_name: '醒目留言', num: 1 },
        user_info: { uname, face: '', guard_level: 3, manager: 0, user_level: 20 },
      },
    };
  },
  /** One guard purchase as GUARD_BUY, USER_TOAST_MSG and USER_TOAST_MSG_V2 (the server sends all three). */
  guardPurchase(uid: number, username: string, guardLevel: 1 | 2 | 3, months: number, priceGold: number): object[] {
    const roleName = ({ 1: '总督', 2: '提督', 3: '舰长' } as const)[guardLevel];
    const startTime = Math.floor(Date.now() / 1000);
    const common = { uid, username, guard_level: guardLevel, num: months, price: priceGold, start_time: startTime, end_time: startTime };
    return [
      { cmd: 'GUARD_BUY', data: { ...common, gift_id: 10003, gift_name: roleName } },
      { cmd: 'USER_TOAST_MSG', data: { ...common, role_name: roleName, unit: '月', toast_msg: `<%${username}%> 开通了${roleName}` } },
      {
        cmd: 'USER_TOAST_MSG_V2',
        data: {
          sender_uinfo: { uid, base: { name: username } },
          guard_info: { guard_level: guardLevel, role_name: roleName, start_time: startTime, end_time: startTime },
          pay_info: { num: months, price: priceGold, unit: '月' },
          option: { source: 0 },
        },
      },
    ];
  },
  /** What the server sends when it starts masking names for a connection that did not log in. */
  loginNotice(): object {
    return { cmd: 'LOG_IN_NOTICE', data: { notice_msg: '为保护用户隐私，未注册登陆用户将无法查看他人昵称', image_web: '', image_app: '' } };
  },
  /** A danmaku as a connection without login sees it: uid 0, masked name, info[0][7] still the uid's CRC32 (hex). */
  maskedDanmaku(text: string, maskedName: string, uidCrc32: string): object {
    const danmaku = bilibiliCommands.danmaku(text, { uid: 0, uname: maskedName }) as { info: unknown[][] };
    danmaku.info[0]![7] = uidCrc32;
    return danmaku;
  },
  superChatDelete(ids: number[]): object {
    return { cmd: 'SUPER_CHAT_MESSAGE_DELETE', data: { ids } };
  },
  roomBlock(uid: number, uname: string): object {
    return { cmd: 'ROOM_BLOCK_MSG', uid: String(uid), uname, data: { uid, uname, operator: 1 } };
  },
};
