#!/usr/bin/ruby
# rbvmomi peer for bench/run.
#
#   rbvmomi_client.rb URL USER PASSWORD N [hold]
#
# One cycle = RbVmomi::VIM.connect (RetrieveServiceContent + Login; with no
# :rev given it also reads about.apiVersion, from the cached content) then
# vim.close (SessionManager.Logout + closing the Net::HTTP connection).
require 'rbvmomi'
require 'uri'

def cpu_ms
  t = Process.times # getrusage(RUSAGE_SELF) on Linux
  (t.utime + t.stime) * 1e3
end

def now_ms
  Process.clock_gettime(Process::CLOCK_MONOTONIC) * 1e3
end

def vmrss_kb
  File.foreach('/proc/self/status') { |l| return l.split[1].to_i if l.start_with?('VmRSS:') }
  -1
end

# One line for bench/run's table instead of a backtrace.
at_exit do
  e = $!
  if e && !e.is_a?(SystemExit)
    warn "rbvmomi: #{e.class}: #{e.message.split.join(' ')}"
    exit! 1
  end
end

abort 'usage: rbvmomi_client.rb URL USER PASSWORD N [hold]' if ARGV.size < 4
url, user, pass, n = ARGV[0], ARGV[1], ARGV[2], Integer(ARGV[3])
hold = ARGV[4] == 'hold'
u = URI.parse(url)

connect = lambda do
  RbVmomi::VIM.connect(host: u.host, port: u.port, path: u.path.empty? ? '/sdk' : u.path,
                       user: user, password: pass, insecure: true)
end
# vim.close rescues every error from Logout, so a failed Logout goes
# unnoticed here; bench/run's session leak check catches that.
disconnect = ->(vim) { vim.close }

# One untimed warm-up cycle: first use loads the vmodl type tables.
disconnect.call(connect.call)

if hold
  before = vmrss_kb
  vims = Array.new(n) { connect.call }
  after = vmrss_kb
  vims.each { |v| disconnect.call(v) }
  printf("RESULT client=rbvmomi mode=hold n=%d rss_before_kb=%d rss_after_kb=%d rss_kb_per_session=%.1f\n",
         n, before, after, (after - before).to_f / n)
else
  lat = []
  c0 = cpu_ms
  w0 = now_ms
  n.times do
    t = now_ms
    disconnect.call(connect.call)
    lat << now_ms - t
  end
  wall = (now_ms - w0) / 1e3
  cpu = cpu_ms - c0
  lat.sort!
  med = n.odd? ? lat[n / 2] : (lat[n / 2 - 1] + lat[n / 2]) / 2
  p95 = lat[[1, (95 * n + 99) / 100].max - 1] # nearest rank
  printf("RESULT client=rbvmomi mode=cycle n=%d median_ms=%.3f p95_ms=%.3f wall_s=%.3f cpu_ms_per_cycle=%.3f\n",
         n, med, p95, wall, cpu / n)
end
