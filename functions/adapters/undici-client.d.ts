// Types for the one undici module imported directly (see undici-transport.ts): it exports the Client class.
declare module 'undici/lib/dispatcher/client.js' {
  import { Client } from 'undici';
  export default Client;
}
