/** One server-sent event as it came over the wire: its fields, data as the raw string. */
export interface ServerSentEvent {
  event: string;
  data: string;
  id?: string;
  retry?: number;
}

/** The events in `text`, as the SSE spec reads them (event defaults to `message`). */
export function parseEvents(text: string): ServerSentEvent[] {
  const events: ServerSentEvent[] = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    const fields: Record<string, string> = {};
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line === '' || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'data') data.push(value);
      else fields[field] = value;
    }
    if (data.length === 0) continue;
    events.push({
      event: fields.event ?? 'message',
      data: data.join('\n'),
      ...(fields.id !== undefined ? { id: fields.id } : {}),
      ...(fields.retry !== undefined ? { retry: Number(fields.retry) } : {}),
    });
  }
  return events;
}

/**
 * Reads the stream at `url` until it has sent an event of each of `types` (the first of
 * each is kept), then closes it; fails after `timeoutMs` naming what did not come.
 */
export async function readEvents(
  url: string,
  types: string[],
  timeoutMs: number,
): Promise<Record<string, ServerSentEvent>> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  const seen: Record<string, ServerSentEvent> = {};
  let text = '';
  try {
    const response = await fetch(url, { signal: abort.signal });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    while (types.some((type) => !seen[type])) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      const complete = text.lastIndexOf('\n\n');
      if (complete < 0) continue;
      for (const event of parseEvents(text.slice(0, complete))) seen[event.event] ??= event;
      text = text.slice(complete + 2);
    }
  } catch (error) {
    if (!abort.signal.aborted) throw error;
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
  const missing = types.filter((type) => !seen[type]);
  if (missing.length > 0) {
    throw new Error(`no ${missing.join(', ')} event from ${url} within ${timeoutMs} ms`);
  }
  return seen;
}
