// The knowledge base's own text analysis: tokens for Chinese and English, the light stemmer,
// query parsing, highlighted snippets (escaped), the attachment sniffer and the line diff.
import { expect } from 'chai';
import { diffLines } from '../../app/kb/kb.diff.js';
import { sniffAttachment } from '../../app/kb/kb.extras.js';
import { highlight, snippet } from '../../app/kb/kb.snippet.js';
import { encodeToken, indexText, parseQuery, stem, tokenize } from '../../app/kb/kb.text.js';

describe('kb text analysis', () => {
  it('stems English words to a shared root', () => {
    const groups = [
      ['route', 'routes', 'routed', 'routing'],
      ['call', 'calls', 'called', 'calling'],
      ['queue', 'queues', 'queued', 'queuing'],
      ['query', 'queries'],
      ['pay', 'pays', 'payment'],
      ['run', 'running'],
      ['box', 'boxes'],
      ['family', 'families'],
    ];
    for (const g of groups) expect(new Set(g.map(stem)).size, g.join()).to.equal(1);
    expect(stem('route')).to.not.equal(stem('rat'));
    expect(stem('status')).to.equal('status');
    expect(stem('need')).to.equal('need');
  });

  it('tokenizes CJK runs into bigrams (plus the last character) and Latin text into stemmed words', () => {
    expect(tokenize('支持坐席 Calls are ROUTED to the queue')).to.deep.equal(['支持', '持坐', '坐席', '席', 'call', 'rout', 'queu']);
    expect(tokenize('ＡＢＣ１２３')).to.deep.equal(['abc123']);
    expect(tokenize('的')).to.deep.equal(['的']);
  });

  it('splits tokens at every change between CJK and Latin letters or digits (issue 12)', () => {
    expect(tokenize('VIP客户优先处理，3个工作日内回复，400电话，App登录失败')).to.deep.equal([
      'vip', '客户', '户优', '优先', '先处', '处理', '理',
      '3', '个工', '工作', '作日', '日内', '内回', '回复', '复',
      '400', '电话', '话',
      'app', '登录', '录失', '失败', '败',
    ]);
    expect(tokenize('类Unix环境')).to.deep.equal(['类', 'unix', '环境', '境']);
    expect(tokenize('共3个坐席在线')).to.deep.equal(['共', '3', '个坐', '坐席', '席在', '在线', '线']);
    // Latin letters and digits stay together (a model number is one word); kana and Hangul split the same way.
    expect(tokenize('SIP2协议 ＧＢ１８０３０编码 データabc 한국어ok')).to.deep.equal(['sip2', '协议', '议', 'gb18030', '编码', '码', 'デー', 'ータ', 'タ', 'abc', '한국', '국어', '어', 'ok']);
    // A stem is found the same way inside mixed text; a stopword glued to CJK is a label (A类客户), kept.
    expect(tokenize('坐席routing')).to.deep.equal(['坐席', '席', 'rout']);
    expect(tokenize('A类客户 and B类, a call to 坐席 ＩＳ in 𠀀in')).to.deep.equal(['a', '类客', '客户', '户', 'b', '类', 'call', '坐席', '席', '𠀀', 'in']);
  });

  it('parses a mixed query the same way: each part a term, all required', () => {
    const p = parseQuery('VIP客户');
    expect(p.terms).to.deep.equal([{ kind: 'word', token: encodeToken('vip') }, { kind: 'word', token: encodeToken('客户') }]);
    expect(p.cjk).to.deep.equal(['客户']);
    expect(p.stems).to.deep.equal(['vip']);
    expect(parseQuery('类Unix环境').terms.map((t) => t.kind)).to.deep.equal(['prefix', 'word', 'word']);
    expect(parseQuery('A类 客户').terms).to.deep.equal([{ kind: 'word', token: encodeToken('a') }, { kind: 'prefix', token: encodeToken('类') }, { kind: 'word', token: encodeToken('客户') }]);
    expect(parseQuery('a 类').terms.map((t) => t.kind)).to.deep.equal(['prefix']);
    expect(parseQuery('App登录失败').terms).to.deep.equal([
      { kind: 'word', token: encodeToken('app') },
      { kind: 'phrase', tokens: ['登录', '录失', '失败'].map(encodeToken) },
    ]);
  });

  it('highlights a Latin word glued to Chinese', () => {
    expect(highlight('VIP客户优先处理，App登录失败', parseQuery('vip 登录 apps'))).to.equal('<mark>VIP</mark>客户优先处理,<mark>App登录</mark>失败');
  });

  it('encodes tokens as [a-z0-9] of at least three characters', () => {
    for (const t of ['a', '坐席', 'rout', '😀']) expect(encodeToken(t)).to.match(/^t[0-9a-f]{2,}$/);
    expect(encodeToken('a')).to.equal('t61');
    expect(indexText('坐席 a')).to.equal(`${encodeToken('坐席')} ${encodeToken('席')}`);
  });

  it('parses queries into words, CJK phrases and single-character prefixes', () => {
    const p = parseQuery('坐席 客户资料 Routing 席 the');
    expect(p.terms.map((t) => t.kind)).to.deep.equal(['word', 'phrase', 'word', 'prefix']);
    expect(p.cjk).to.deep.equal(['坐席', '客户资料', '席']);
    expect(p.stems).to.deep.equal(['rout']);
    expect(parseQuery('the and of').terms).to.deep.equal([]);
    expect(parseQuery('!!! ???').terms).to.deep.equal([]);
  });

  it('highlights hits in an HTML-escaped snippet around the best hit', () => {
    const q = parseQuery('坐席 routing');
    expect(highlight('<b>坐席</b> & "routes"', q)).to.equal('&lt;b&gt;<mark>坐席</mark>&lt;/b&gt; &amp; &quot;<mark>routes</mark>&quot;');
    const long = `${'前言。'.repeat(100)}本系统支持坐席在通话中查看客户资料。${'后记。'.repeat(100)}`;
    const s = snippet(long, q, 60);
    expect(s.startsWith('…')).to.equal(true);
    expect(s.endsWith('…')).to.equal(true);
    expect(s).to.contain('支持<mark>坐席</mark>在通话中');
    expect(snippet('no hit here', parseQuery('zebra'))).to.equal('no hit here');
    expect(snippet('<script>', parseQuery('zebra'))).to.equal('&lt;script&gt;');
  });

  it('recognises attachments by their magic bytes, not their name', () => {
    expect(sniffAttachment(Buffer.from('%PDF-1.7\n'))).to.equal('application/pdf');
    expect(sniffAttachment(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).to.equal('image/png');
    expect(sniffAttachment(Buffer.from([0xff, 0xd8, 0xff, 0xdb]))).to.equal('image/jpeg');
    expect(sniffAttachment(Buffer.from('纯文本\r\n\tok'))).to.equal('text/plain; charset=utf-8');
    expect(sniffAttachment(Buffer.from([0x4d, 0x5a, 0x90, 0x00]))).to.equal(null);
    expect(sniffAttachment(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00]))).to.equal(null);
    expect(sniffAttachment(Buffer.from([0xc3, 0x28]))).to.equal(null);
  });

  it('diffs lines by their longest common subsequence', () => {
    expect(diffLines('a\nb\nc', 'a\nc\nd')).to.deep.equal([
      { op: 'same', text: 'a' },
      { op: 'removed', text: 'b' },
      { op: 'same', text: 'c' },
      { op: 'added', text: 'd' },
    ]);
    expect(diffLines('', 'x')).to.deep.equal([{ op: 'added', text: 'x' }]);
    expect(diffLines('x\ny', 'x\ny')).to.deep.equal([
      { op: 'same', text: 'x' },
      { op: 'same', text: 'y' },
    ]);
    const a = Array.from({ length: 500 }, (_, i) => `line ${i}`);
    const b = a.filter((_, i) => i % 7 !== 0).concat(['tail']);
    const d = diffLines(a.join('\n'), b.join('\n'));
    expect(d.filter((l) => l.op === 'removed').length).to.equal(a.filter((_, i) => i % 7 === 0).length);
    expect(d.filter((l) => l.op === 'added').map((l) => l.text)).to.deep.equal(['tail']);
  });
});
