// The packed posting chunks of the KB search index: round trips, phrase adjacency, unions, heads.
import { expect } from 'chai';
import { adjacent, chunkPostings, decodeChunk, decodeHead, emptyList, encodeChunk, encodeHead, HEAD_SIZE, union, updateHead } from '../../app/kb/kb.postings.js';

describe('kb posting chunks', () => {
  const ps = [
    { doc: 3, w: 900, pos: [0, 7, 300] },
    { doc: 4, w: 1, pos: [] },
    { doc: 70_000, w: 2999, pos: [200_000] },
  ];

  it('round-trips postings, with or without positions, chunk after chunk', () => {
    expect(chunkPostings(encodeChunk(ps))).to.deep.equal(ps);
    const l = decodeChunk(encodeChunk(ps), emptyList(1));
    expect([l.n, [...l.docs.subarray(0, l.n)], [...l.ws.subarray(0, l.n)], [...l.pstart.subarray(0, l.n + 1)], l.npos]).to.deep.equal([3, [3, 4, 70_000], [900, 1, 2999], [0, 0, 0, 0], 0]);
    decodeChunk(encodeChunk([{ doc: 70_001, w: 5, pos: [1, 9] }]), l, true);
    expect([...l.docs.subarray(0, l.n)]).to.deep.equal([3, 4, 70_000, 70_001]);
    expect([...l.pos.subarray(l.pstart[3], l.pstart[4])]).to.deep.equal([1, 9]);
  });

  it('finds a phrase only where its tokens are at consecutive positions', () => {
    const a = decodeChunk(encodeChunk([{ doc: 1, w: 1, pos: [2, 10] }]), emptyList(), true);
    const b = decodeChunk(encodeChunk([{ doc: 1, w: 1, pos: [4, 11] }]), emptyList(), true);
    const c = decodeChunk(encodeChunk([{ doc: 1, w: 1, pos: [12] }]), emptyList(), true);
    expect(adjacent([a, b, c], [0, 0, 0])).to.equal(true);
    expect(adjacent([a, c], [0, 0])).to.equal(false);
    expect(adjacent([b, a], [0, 0])).to.equal(false);
  });

  it('unions lists keeping the larger weight', () => {
    const a = decodeChunk(encodeChunk([{ doc: 1, w: 5, pos: [] }, { doc: 9, w: 1, pos: [] }]), emptyList());
    const b = decodeChunk(encodeChunk([{ doc: 2, w: 3, pos: [] }, { doc: 9, w: 7, pos: [] }]), emptyList());
    const u = union([a, b]);
    expect([u.n, [...u.docs.subarray(0, u.n)], [...u.ws.subarray(0, u.n)], u.pstart[u.n]]).to.deep.equal([3, [1, 2, 9], [5, 3, 7], 0]);
  });
});

describe('kb posting heads', () => {
  it('keep every posting at or above the floor, best first, through adds and drops', () => {
    const add = Array.from({ length: 2 * HEAD_SIZE + 1 }, (_, doc) => ({ doc, w: doc % 100 }));
    const head = updateHead({ floor: 0, entries: [] }, add);
    expect(head.floor).to.be.greaterThan(0);
    expect(head.entries).to.deep.equal(add.filter((p) => p.w >= head.floor).sort((a, b) => b.w - a.w || b.doc - a.doc).map(({ w, doc }) => ({ w, doc })));
    expect(decodeHead(encodeHead(head.entries))).to.deep.equal(head.entries);
    const top = head.entries[0]!;
    const after = updateHead(head, [{ doc: 5000, w: head.floor - 1 }, { doc: 5001, w: 1000 }], new Set([top.doc]));
    expect(after.entries[0]).to.deep.equal({ w: 1000, doc: 5001 });
    expect(after.entries.map((e) => e.doc)).to.not.include.members([5000, top.doc]);
  });
});
