/** Fixed local ports of the dev servers (the emulators' ports are in firebase.json). */
export const PORTS = {
  storage: 9199,
  heygenApi: 9310,
  heygenUpload: 9311,
  avatarSdk: 9320,
  didimo: 9321,
  in3d: 9322,
  appCheck: 9330,
} as const;

export const LOCALHOST = "127.0.0.1";
export const localUrl = (port: number): string => `http://${LOCALHOST}:${port}`;
