// Types for the one undici module imported directly (see undici-transport.ts): it exports the Client class.
declare module 'undici/lib/dispatcher/client.js' {
  import { Client } from 'undici';
  export default Client;
}

// undici's connector (net/tls connect with its connect timeout), wrapped by timed-connector.ts.
declare module 'undici/lib/core/connect.js' {
  import type { Socket } from 'node:net';

  interface ConnectOptions {
    readonly protocol: string;
    readonly hostname: string;
    readonly host: string;
    readonly port: string;
    readonly servername?: string | null;
    readonly localAddress?: string | null;
  }
  type Connector = (
    options: ConnectOptions,
    callback: (err: Error | null, socket: Socket | null) => void,
  ) => Socket;
  export default function buildConnector(options: { timeout?: number; lookup?: unknown }): Connector;
}

// undici's connect timeout (a shared coarse timer, then a ConnectTimeoutError), as its connector sets it up.
declare module 'undici/lib/core/util.js' {
  const util: {
    setupConnectTimeout(
      socket: WeakRef<import('node:net').Socket>,
      options: { readonly timeout: number; readonly hostname: string; readonly port: number },
    ): () => void;
  };
  export default util;
}
