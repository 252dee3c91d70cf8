# Loads the Vagrantfile with a stand-in for Vagrant (no VirtualBox here) and prints, as JSON, each
# machine's networks and the shell scripts it would provision with (test/integration/vagrantfile.test.ts).
class Rec
  attr_reader :calls
  def initialize; @calls = []; end
  def method_missing(name, *args, **kw, &blk)
    @calls << [name, args, kw]
    blk.call(Rec.new) if blk
    self
  end
  def respond_to_missing?(*) = true
end
$machines = {}
class Cfg < Rec
  def vm = self
  def define(name, **_opts, &blk)
    blk.call(Struct.new(:vm).new(MBox.new(name)))
    self
  end
end
class MBox < Rec
  def initialize(name); super(); @name = name; $machines[name] = { scripts: [], net: [] }; end
  def provision(kind, inline:); $machines[@name][:scripts] << inline; end
  def network(*a, **k); $machines[@name][:net] << [a, k]; end
end
module Vagrant
  def self.configure(_v); yield Cfg.new; end
end
load ARGV[0]
require 'json'
puts JSON.generate($machines)
