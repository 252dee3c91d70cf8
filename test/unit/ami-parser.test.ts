import { expect } from 'chai';
import { AmiParser, AmiProtocolError, fieldOf, fieldsOf, type AmiFrame } from '../../app/pbx/ami/parser.js';
import type { AmiMessage } from '../../app/pbx/ami/types.js';

const BANNER = 'Asterisk Call Manager/11.0.0\r\n';

function messages(frames: AmiFrame[]): AmiMessage[] {
  return frames.flatMap((f) => (f.type === 'message' ? [{ ...f.message }] : []));
}

describe('AMI parser', () => {
  it('reads the banner, then messages ended by an empty line', () => {
    const p = new AmiParser();
    const frames = p.push(BANNER + 'Response: Success\r\nActionID: a1\r\nMessage: Authentication accepted\r\n\r\n');
    expect(frames[0]).to.deep.equal({ type: 'banner', banner: 'Asterisk Call Manager/11.0.0', version: '11.0.0' });
    expect(messages(frames)).to.deep.equal([{ Response: 'Success', ActionID: 'a1', Message: 'Authentication accepted' }]);
  });

  it('rejects a stream that does not start with the AMI banner', () => {
    const p = new AmiParser();
    expect(() => p.push('HTTP/1.1 400 Bad Request\r\n')).to.throw(AmiProtocolError, /not an AMI banner/);
  });

  it('frames the same stream identically whatever the chunking (split at every byte)', () => {
    const stream =
      BANNER +
      'Event: Newchannel\r\nChannel: PJSIP/100-00000001\r\nCallerIDName: Zoë 客户\r\nUniqueid: 1700.1\r\n\r\n' +
      'Event: Hangup\r\nCause: 16\r\nCause-txt: Normal Clearing\r\n\r\n';
    const whole = new AmiParser().push(stream);
    const bytes = Buffer.from(stream, 'utf8');
    const p = new AmiParser();
    const split: AmiFrame[] = [];
    for (let i = 0; i < bytes.length; i++) split.push(...p.push(bytes.subarray(i, i + 1)));
    expect(split).to.have.length(3);
    expect(messages(split)).to.deep.equal(messages(whole));
    expect(messages(split)[0].CallerIDName).to.equal('Zoë 客户');
  });

  it('handles a CR and its LF arriving in different chunks', () => {
    const p = new AmiParser();
    p.push(BANNER + 'Event: FullyBooted\r');
    expect(p.push('\nStatus: Fully Booted\r\n\r')).to.deep.equal([]);
    expect(messages(p.push('\n'))).to.deep.equal([{ Event: 'FullyBooted', Status: 'Fully Booted' }]);
  });

  it('returns several messages from one chunk, in order', () => {
    const p = new AmiParser({ expectBanner: false });
    const out = messages(p.push('Event: A\r\n\r\nEvent: B\r\n\r\nEvent: C\r\n\r\nEvent: D\r\n'));
    expect(out.map((m) => m.Event)).to.deep.equal(['A', 'B', 'C']);
    expect(messages(p.push('\r\n'))).to.deep.equal([{ Event: 'D' }]);
  });

  it('keeps every value of a repeated key (string, then string[])', () => {
    const p = new AmiParser({ expectBanner: false });
    const [m] = messages(
      p.push('Event: Newchannel\r\nChanVariable: A=1\r\nChanVariable: B=2\r\nChanVariable: C=3\r\nVariable: X=9\r\n\r\n'),
    );
    expect(m.ChanVariable).to.deep.equal(['A=1', 'B=2', 'C=3']);
    expect(m.Variable).to.equal('X=9');
    expect(fieldsOf(m, 'ChanVariable')).to.have.length(3);
    expect(fieldsOf(m, 'Variable')).to.deep.equal(['X=9']);
    expect(fieldsOf(m, 'Missing')).to.deep.equal([]);
    expect(fieldOf(m, 'chanvariable')).to.equal('A=1');
  });

  it('keeps colons and leading spaces inside values, and empty values', () => {
    const p = new AmiParser({ expectBanner: false });
    const [m] = messages(p.push('Response: Success\r\nOutput:   Name/username: x: y\r\nValue: \r\nMessage:Tight\r\n\r\n'));
    expect(m.Output).to.equal('  Name/username: x: y');
    expect(m.Value).to.equal('');
    expect(m.Message).to.equal('Tight');
  });

  it('ignores empty lines between messages and accepts bare LF line ends', () => {
    const p = new AmiParser({ expectBanner: false });
    expect(messages(p.push('\r\n\r\nEvent: A\nKey: v\n\n\r\n'))).to.deep.equal([{ Event: 'A', Key: 'v' }]);
  });

  it('collects legacy `Response: Follows` command output up to --END COMMAND--', () => {
    const p = new AmiParser({ expectBanner: false });
    const out = messages(
      p.push(
        'Response: Follows\r\nPrivilege: Command\r\nActionID: c1\r\n' +
          'Channel              Location\r\nPJSIP/1: up\r\n\r\n2 active channels\r\n--END COMMAND--\r\n\r\n' +
          'Event: After\r\n\r\n',
      ),
    );
    expect(out).to.deep.equal([
      {
        Response: 'Follows', Privilege: 'Command', ActionID: 'c1',
        Output: ['Channel              Location', 'PJSIP/1: up', '', '2 active channels'],
      },
      { Event: 'After' },
    ]);
  });

  it('throws (bounded) when one message exceeds maxMessageBytes, even without a line end', () => {
    const p = new AmiParser({ expectBanner: false, maxMessageBytes: 1024 });
    expect(() => p.push('Event: Big\r\n' + 'X: ' + 'y'.repeat(2000))).to.throw(AmiProtocolError, /exceeds 1024 bytes/);
    expect(() => p.push('\r\n\r\n')).to.throw(AmiProtocolError);

    const q = new AmiParser({ expectBanner: false, maxMessageBytes: 1024 });
    expect(() => {
      for (let i = 0; i < 200; i++) q.push(`Variable: v${i}=xxxxxxxx\r\n`);
    }).to.throw(AmiProtocolError);
  });

  it('does not count earlier messages against the limit', () => {
    const p = new AmiParser({ expectBanner: false, maxMessageBytes: 64 });
    for (let i = 0; i < 1000; i++) expect(messages(p.push(`Event: E${i}\r\nK: vvvvvvvvvv\r\n\r\n`))).to.have.length(1);
  });

  it('never lets __proto__ from the wire touch Object.prototype', () => {
    const p = new AmiParser({ expectBanner: false });
    const [m] = messages(p.push('Event: X\r\n__proto__: polluted\r\n\r\n'));
    expect(m.__proto__).to.equal('polluted');
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
  });
});
