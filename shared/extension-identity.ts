/**
 * The names the extension, the agent and the native messaging host agree on:
 * the extension's fixed identity (so the agent and the native host can allow
 * exactly this extension), the native host's name, the agent's default port.
 * The Chrome id is derived from the public key in the manifest (the private
 * half is not needed for unpacked builds and is not kept); Firefox uses the
 * gecko id.
 */

/** Where ff-agent listens (127.0.0.1) unless told otherwise, and where the extension looks first. */
export const DEFAULT_AGENT_PORT = 47100;

/** The native messaging host's name: its manifest's `name` and file name, and what the extension calls. */
export const NATIVE_HOST_NAME = 'dev.ff.agent';

export const CHROME_EXTENSION_KEY =
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAxPvdiQSupaSqT4zz7kJFcd0EQV6OoRdE8hntTWbDuhopUaZpy7sqCR79sywG4nSC8KJXfLtOszkey9r/qmGGR3Jx8W8GqimrM0PHyYXnDTIGWGK0e77kyW8TKwVAh+WwgU9dKCdebeAZZ9B0e1df/e1+jA4fVZPCmQWtvrmff6WrZlEH+E6u31eIOtBoq/mGmW8RNY2ynBLEpVbm0RqD2uG1+isCJAZkVlBVuP4JNsp5WXDqeQC3yqJvGmFNo8ut4o7x4mAIxrXz7DoiBdrwFlzYOBuoXd2rd+jp1BZiZiajefzUkrum7R+GW0A5/JZUGwvQ7Fvk9B+pxHTU5uH1OwIDAQAB';

export const CHROME_EXTENSION_ID = 'dhobbldmeniikmhdhafgnkjfhdpinooh';

export const FIREFOX_EXTENSION_ID = 'ff@ff-workspaces.dev';
