import { IndexedStore } from './indexed-store.js';

interface Item {
  name: string;
  target: string;
}

describe(IndexedStore.name, () => {
  const names = (items: Item[]) => items.map((item) => item.name).sort();

  it('finds objects by their index value, and follows a changed value and a delete', () => {
    const store = new IndexedStore<Item>((item) => item.target);
    store.set('ns/a', { name: 'a', target: 'kiada' });
    store.set('ns/b', { name: 'b', target: 'kiada' });
    store.set('ns/c', { name: 'c', target: 'other' });
    expect(names(store.byIndex('kiada'))).toEqual(['a', 'b']);

    store.set('ns/b', { name: 'b', target: 'other' }); // its target changed
    expect(names(store.byIndex('kiada'))).toEqual(['a']);
    expect(names(store.byIndex('other'))).toEqual(['b', 'c']);

    store.delete('ns/a');
    expect(store.byIndex('kiada')).toEqual([]);
    expect(store.get('ns/a')).toBeUndefined();
    expect(names([...store.values()])).toEqual(['b', 'c']);
  });

  it('without an index keeps objects by key and finds none by value', () => {
    const store = new IndexedStore<Item>();
    store.set('ns/a', { name: 'a', target: 'kiada' });
    expect(store.get('ns/a')?.name).toBe('a');
    expect(store.byIndex('kiada')).toEqual([]);
  });
});
