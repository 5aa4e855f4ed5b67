# Files in the guest (SPEC-VM 14, 17.17, 17.18) against the simulator's
# guest double: each guest is a directory tree on this machine, so what the
# calls do is checked on the tree itself too.
use strict;
use warnings;
use utf8;
use Digest::SHA;
use Encode qw(encode);
use FindBin;
use lib "$FindBin::Bin/lib";
use File::Temp qw(tempdir);
use Test::More;
use Time::HiRes qw(time);
use VixTest;

sandbox();

use VMware::Vix::Simple qw(:DEFAULT GetLastErrorDetail);
use VMware::Vix::API::Constants;
use VixTest::Guest;

$ENV{HOME} = tempdir(CLEANUP => 1);
binmode Test::More->builder->$_, ':encoding(UTF-8)' for qw(output failure_output todo_output);
my $local = tempdir(CLEANUP => 1);

my $g = guest_setup();
my ($vm, $host) = @$g{qw(vm host)};
guest_login($g);
is VMCreateDirectoryInGuest($vm, '/tmp/t72', 0), VIX_OK, 'VMCreateDirectoryInGuest';
my $tree = guest_dir_of($g);    # the guest's / on this machine
ok -d "$tree/tmp/t72", 'the directory is in the guest';

sub exists_ { my ($f, $p) = @_; my @r = $f->($vm, $p); is $r[0], VIX_OK, "no error for $p" or diag GetLastErrorDetail(); $r[1] }
sub spew { my ($p, $data) = @_; open my $fh, '>:raw', $p or die "$p: $!"; print $fh $data; close $fh or die }
sub slurp { my ($p) = @_; open my $fh, '<:raw', $p or return; local $/; <$fh> }
sub sha { Digest::SHA->new(256)->addfile($_[0], 'b')->hexdigest }

subtest 'directories, existence, info' => sub {
    is VMCreateDirectoryInGuest($vm, '/tmp/t72/a/b/c', VIX_INVALID_HANDLE), VIX_OK, 'parents are created';
    ok -d "$tree/tmp/t72/a/b/c", 'in the guest';
    is VMCreateDirectoryInGuest($vm, '/tmp/t72/a/b', 0), VIX_E_FILE_ALREADY_EXISTS, 'exists → VIX_E_FILE_ALREADY_EXISTS';
    is VMCreateDirectoryInGuest($vm, '/etc/t72', 0), VIX_E_GUEST_USER_PERMISSIONS, 'no write access';

    ok exists_(\&VMDirectoryExistsInGuest, '/tmp/t72/a/b'), 'VMDirectoryExistsInGuest: a directory';
    ok exists_(\&VMDirectoryExistsInGuest, '/tmp/t72/a/b/'), 'a trailing slash';
    ok exists_(\&VMDirectoryExistsInGuest, '/'), 'the root';
    ok !exists_(\&VMFileExistsInGuest, '/tmp/t72/a/b'), 'VMFileExistsInGuest: not for a directory';
    ok !exists_(\&VMDirectoryExistsInGuest, '/tmp/t72/nope'), 'missing';
    ok !exists_(\&VMFileExistsInGuest, '/nope/deeper/x'), 'missing parent';

    spew("$tree/tmp/t72/plain", 'x' x 1234);
    ok exists_(\&VMFileExistsInGuest, '/tmp/t72/plain'), 'a file';
    ok !exists_(\&VMDirectoryExistsInGuest, '/tmp/t72/plain'), 'not a directory';
    ok !exists_(\&VMFileExistsInGuest, '/tmp/t72/plain/x'), 'below a file';

    symlink '/tmp/t72/a', "$tree/tmp/t72/dirlink" or die;
    symlink '/tmp/t72/plain', "$tree/tmp/t72/filelink" or die;
    ok exists_(\&VMFileExistsInGuest, '/tmp/t72/dirlink'), 'a symlink (to a directory) counts as a file';
    ok !exists_(\&VMDirectoryExistsInGuest, '/tmp/t72/dirlink'), '... never as a directory';
    ok exists_(\&VMFileExistsInGuest, '/tmp/t72/filelink'), 'a symlink to a file';

    # Names that are regular expressions, and names that are not ASCII.
    spew("$tree/tmp/t72/" . encode('UTF-8', 'a+b (1).txt'), '');
    ok exists_(\&VMFileExistsInGuest, '/tmp/t72/a+b (1).txt'), 'a name with regex characters';
    ok !exists_(\&VMFileExistsInGuest, '/tmp/t72/aab (1)Xtxt'), '... matched literally';
    is VMCreateDirectoryInGuest($vm, '/tmp/t72/ünï☺', 0), VIX_OK, 'a non-ASCII name';
    ok -d "$tree/tmp/t72/" . encode('UTF-8', 'ünï☺'), 'as UTF-8 in the guest';
    ok exists_(\&VMDirectoryExistsInGuest, '/tmp/t72/ünï☺'), 'found again';

    my ($e, %info) = VMGetFileInfoInGuest($vm, '/tmp/t72/plain');
    is $e, VIX_OK, 'VMGetFileInfoInGuest';
    is_deeply [sort keys %info], [qw(FILE_FLAGS FILE_MOD_TIME FILE_SIZE)], 'its keys';
    is $info{FILE_SIZE}, 1234, 'FILE_SIZE';
    is $info{FILE_FLAGS}, 0, 'FILE_FLAGS of a file';
    cmp_ok abs($info{FILE_MOD_TIME} - (stat "$tree/tmp/t72/plain")[9]), '<=', 1, 'FILE_MOD_TIME';
    ($e, %info) = VMGetFileInfoInGuest($vm, '/tmp/t72/a');
    is $info{FILE_FLAGS}, VIX_FILE_ATTRIBUTES_DIRECTORY, 'FILE_FLAGS of a directory';
    ($e, %info) = VMGetFileInfoInGuest($vm, '/tmp/t72/filelink');
    is $info{FILE_FLAGS}, VIX_FILE_ATTRIBUTES_SYMLINK, 'FILE_FLAGS of a symlink';
    my @r = VMGetFileInfoInGuest($vm, '/tmp/t72/nope');
    is_deeply \@r, [VIX_E_FILE_NOT_FOUND], 'missing: the code alone';
};

subtest 'listing' => sub {
    my ($e, @entries) = VMListDirectoryInGuest($vm, '/tmp/t72', 0);
    is $e, VIX_OK, 'VMListDirectoryInGuest';
    my %by = map { $_->{FILE_NAME} => $_ } @entries;
    ok !exists $by{'.'} && !exists $by{'..'}, 'no . or ..';
    is_deeply [sort keys %{ $entries[0] }], [qw(FILE_ATTRIBUTES FILE_MOD_TIME FILE_NAME FILE_SIZE)], 'keys';
    is $by{a}{FILE_ATTRIBUTES}, VIX_FILE_ATTRIBUTES_DIRECTORY, 'a directory';
    is $by{plain}{FILE_ATTRIBUTES}, 0, 'a file';
    is $by{plain}{FILE_SIZE}, 1234, 'its size';
    is $by{dirlink}{FILE_ATTRIBUTES} & VIX_FILE_ATTRIBUTES_SYMLINK, VIX_FILE_ATTRIBUTES_SYMLINK, 'a symlink';
    ok $by{'ünï☺'}, 'a non-ASCII name, as a character string';

    mkdir "$tree/tmp/t72/many" or die;
    spew(sprintf("$tree/tmp/t72/many/f%04d", $_), 'y' x $_) for 1 .. 1100;
    my $before = grep { $_ eq 'ListFilesInGuest' } sim_methods($g->{sim});
    ($e, @entries) = VMListDirectoryInGuest($vm, '/tmp/t72/many', 0);
    my $pages = (grep { $_ eq 'ListFilesInGuest' } sim_methods($g->{sim})) - $before;
    is $e, VIX_OK, 'a long listing';
    is scalar(@entries), 1100, 'every entry';
    cmp_ok $pages, '>', 1, "more than one server page ($pages)";
    is_deeply [map { $_->{FILE_NAME} } sort { $a->{FILE_NAME} cmp $b->{FILE_NAME} } @entries],
        [map { sprintf 'f%04d', $_ } 1 .. 1100], 'names without the path, none twice';
    ok !(grep { $_->{FILE_SIZE} != substr($_->{FILE_NAME}, 1) } @entries), 'each size';

    my @r = VMListDirectoryInGuest($vm, '/tmp/t72/plain', 0);
    is_deeply \@r, [VIX_E_NOT_A_DIRECTORY], 'a file → VIX_E_NOT_A_DIRECTORY, nothing else';
    @r = VMListDirectoryInGuest($vm, '/tmp/t72/nope', 0);
    is_deeply \@r, [VIX_E_FILE_NOT_FOUND], 'missing → VIX_E_FILE_NOT_FOUND';
};

subtest 'rename, delete, temp files' => sub {
    my ($e, $tmp) = VMCreateTempFileInGuest($vm, 0, VIX_INVALID_HANDLE);
    is $e, VIX_OK, 'VMCreateTempFileInGuest';
    like $tmp, qr{^/tmp/[^/]+\z}, "in the guest's temp directory ($tmp)";
    ok -f "$tree$tmp", 'the file exists';

    is VMRenameFileInGuest($vm, $tmp, '/tmp/t72/renamed', 0, 0), VIX_OK, 'rename a file';
    ok !-e "$tree$tmp" && -f "$tree/tmp/t72/renamed", 'moved';
    is VMRenameFileInGuest($vm, '/tmp/t72/renamed', '/tmp/t72/plain', 0, 0), VIX_E_FILE_ALREADY_EXISTS,
        'onto an existing file → VIX_E_FILE_ALREADY_EXISTS';
    ok -f "$tree/tmp/t72/renamed" && -s "$tree/tmp/t72/plain" == 1234, 'neither touched';
    is VMRenameFileInGuest($vm, '/tmp/t72/a', '/tmp/t72/a2', 0, 0), VIX_OK, 'rename a directory';
    ok -d "$tree/tmp/t72/a2/b/c", 'moved with its contents';
    is VMRenameFileInGuest($vm, '/tmp/t72/a2', '/tmp/t72/many', 0, 0), VIX_E_FILE_ALREADY_EXISTS,
        'a directory onto an existing one';
    is VMRenameFileInGuest($vm, '/tmp/t72/nope', '/tmp/t72/x', 0, 0), VIX_E_FILE_NOT_FOUND, 'missing source';

    is VMDeleteFileInGuest($vm, '/tmp/t72/renamed'), VIX_OK, 'VMDeleteFileInGuest';
    ok !-e "$tree/tmp/t72/renamed", 'gone';
    is VMDeleteFileInGuest($vm, '/tmp/t72/renamed'), VIX_E_FILE_NOT_FOUND, 'missing → VIX_E_FILE_NOT_FOUND';
    is VMDeleteFileInGuest($vm, '/tmp/t72/a2'), VIX_E_NOT_A_FILE, 'a directory → VIX_E_NOT_A_FILE';
    is VMDeleteDirectoryInGuest($vm, '/tmp/t72/a2', 0), VIX_OK, 'VMDeleteDirectoryInGuest (recursive)';
    ok !-e "$tree/tmp/t72/a2", 'gone with its contents';
    is VMDeleteDirectoryInGuest($vm, '/tmp/t72/a2', 0), VIX_E_FILE_NOT_FOUND, 'missing';
    is VMDeleteDirectoryInGuest($vm, '/tmp/t72/plain', 0), VIX_E_NOT_A_DIRECTORY, 'a file';
};

subtest 'copies' => sub {
    my $data = join '', map { chr int rand 256 } 1 .. 65536;
    $data x= 48;    # 3 MiB of binary
    spew("$local/in.bin", $data);
    is VMCopyFileFromHostToGuest($vm, "$local/in.bin", '/tmp/t72/bin', 0, VIX_INVALID_HANDLE), VIX_OK,
        'VMCopyFileFromHostToGuest of 3 MiB' or diag GetLastErrorDetail();
    ok slurp("$tree/tmp/t72/bin") eq $data, 'byte-identical in the guest';
    is VMCopyFileFromGuestToHost($vm, '/tmp/t72/bin', "$local/out.bin", 0, 0), VIX_OK, 'VMCopyFileFromGuestToHost'
        or diag GetLastErrorDetail();
    ok slurp("$local/out.bin") eq $data, 'byte-identical on the host';

    spew("$local/small", 'small');
    is VMCopyFileFromHostToGuest($vm, "$local/small", '/tmp/t72/bin', 0, 0), VIX_OK, 'a copy overwrites';
    is slurp("$tree/tmp/t72/bin"), 'small', 'with the new content';
    spew("$local/empty", '');
    is VMCopyFileFromHostToGuest($vm, "$local/empty", '/tmp/t72/empty', 0, 0), VIX_OK, 'an empty file';
    ok -f "$tree/tmp/t72/empty" && -z _, 'empty in the guest';

    # A failed download leaves the old file as it was.
    spew("$local/keep", 'old content');
    is VMCopyFileFromGuestToHost($vm, '/tmp/t72/nope', "$local/keep", 0, 0), VIX_E_FILE_NOT_FOUND, 'missing source';
    is slurp("$local/keep"), 'old content', 'the local file is untouched';
    is VMCopyFileFromGuestToHost($vm, '/tmp/t72/many', "$local/keep", 0, 0), VIX_E_NOT_A_FILE, 'a directory';
    is slurp("$local/keep"), 'old content', 'still untouched';
    opendir my $d, $local or die;
    is_deeply [sort grep { !/^\./ } readdir $d], [sort qw(in.bin out.bin small empty keep)], 'no temporary left';

    my $n = sent($g, sub {
        is VMCopyFileFromHostToGuest($vm, "$local/nope", '/tmp/t72/x', 0, 0), VIX_E_FILE_NOT_FOUND,
            'missing local file → VIX_E_FILE_NOT_FOUND';
        is VMCopyFileFromHostToGuest($vm, $local, '/tmp/t72/x', 0, 0), VIX_E_NOT_A_FILE, 'a local directory';
        is VMCopyFileFromGuestToHost($vm, '/tmp/t72/bin', $local, 0, 0), VIX_E_NOT_A_FILE, 'onto a local directory';
    });
    is $n, 0, 'nothing sent for those';
    is VMCopyFileFromHostToGuest($vm, "$local/small", '/etc/x', 0, 0), VIX_E_GUEST_USER_PERMISSIONS,
        'no write access in the guest';
};

subtest 'copy progress: the optional callback' => sub {
    my $src = "$local/progress.bin";
    spew($src, join('', map { chr($_ % 251) } 1 .. 1_500_000));
    # Long enough that a copy pausing 50 ms per 64 KiB takes about 5 s.
    my $big_for_alarm = "$local/alarm.bin";
    spew($big_for_alarm, "\0" x (6 << 20));
    my $size = -s $src;
    for my $dir ('in', 'out') {
        my @calls;
        my $cb = sub { push @calls, [@_] };
        my $e = $dir eq 'in'
            ? VMCopyFileFromHostToGuest($vm, $src, '/tmp/progress.bin', 0, 0, $cb)
            : VMCopyFileFromGuestToHost($vm, '/tmp/progress.bin', "$local/progress.out", 0, 0, $cb);
        is $e, VIX_OK, "copy $dir with a progress callback" or diag GetLastErrorDetail();
        cmp_ok scalar(@calls), '>=', 2, '... called as the copy goes (' . scalar(@calls) . ' times)';
        my @done = map { $_->[0] } @calls;
        is_deeply \@done, [sort { $a <=> $b } @done], '... bytes done never go back';
        is_deeply $calls[-1], [$size, $size], '... ends at the file size, the total it announced';
        ok !(grep { $_->[1] != $size } @calls), '... the same total every time';
    }
    is sha("$local/progress.out"), sha($src), 'the copies are intact';
    # A die in the callback (a bug, or a script's alarm handler, which Perl
    # runs inside it) stops the copy; a download leaves no file behind.
    is VMCopyFileFromHostToGuest($vm, $src, '/tmp/progress2.bin', 0, 0, sub { die "enough\n" }), VIX_E_CANCELLED,
        'a callback that dies stops the copy: VIX_E_CANCELLED';
    like GetLastErrorDetail(), qr/progress callback died: enough/, '... and the detail says why';
    is VMCopyFileFromGuestToHost($vm, '/tmp/progress.bin', "$local/stopped.out", 0, 0,
                                 sub { die "stop\n" if $_[0] > 0 }), VIX_E_CANCELLED, '... a download too';
    ok !-e "$local/stopped.out", '... which leaves no file';
    {
        # The alarm lands in the callback (its die stops the copy) or in the
        # core's wait (VIX_E_CANCELLED, then the handler dies after the call):
        # either way the copy is bounded.
        local $SIG{ALRM} = sub { die "alarm\n" };
        my $slow = sub { select(undef, undef, undef, 0.05) };
        my $t0 = time;
        alarm 1;
        my $e = eval { VMCopyFileFromHostToGuest($vm, $big_for_alarm, '/tmp/alarm.bin', 0, 0, $slow) };
        my $died = $@;
        alarm 0;
        ok((defined $e && $e == VIX_E_CANCELLED) || $died eq "alarm\n",
           "a script's alarm still bounds a copy with a progress callback") or diag "e=" . ($e // 'undef') . " died=$died";
        cmp_ok time - $t0, '<', 3, '... within a moment of the alarm (the copy alone takes about 5 s)';
    }
    is VMCopyFileFromHostToGuest($vm, $src, '/tmp/progress2.bin', 0, 0, sub { 1 }), VIX_OK,
        'the handle works afterwards';
    my $n = sim_methods($g->{sim});
    for my $bad ('not code', [], {}, 42) {
        is VMCopyFileFromHostToGuest($vm, $src, '/tmp/progress3.bin', 0, 0, $bad), VIX_E_INVALID_ARG,
            'a progress argument that is not code: VIX_E_INVALID_ARG';
        is VMCopyFileFromGuestToHost($vm, '/tmp/progress.bin', "$local/p3", 0, 0, $bad), VIX_E_INVALID_ARG, '... both ways';
    }
    is scalar(sim_methods($g->{sim})), $n, '... nothing sent';
};

subtest 'a file larger than 64 MiB, in bounded memory' => sub {
    my $big = "$local/big.bin";
    my $mib = 80;
    open my $fh, '>:raw', $big or die;
    my $chunk = join '', map { chr int rand 256 } 1 .. 1 << 20;
    print $fh substr($chunk, $_) . substr($chunk, 0, $_) for 1 .. $mib;    # every MiB different
    close $fh or die;
    my $want = sha($big);
    # A fresh process does the copies, so its peak RSS is theirs alone.
    my $script = <<'PERL';
use strict; use VMware::Vix::Simple; use VMware::Vix::API::Constants;
my ($url, $user, $pw, $vmx, $guser, $gpw, $in, $out) = map { pack 'H*', $_ } @ARGV;
utf8::decode($gpw);
my ($e, $h) = HostConnect(VIX_API_VERSION, VIX_SERVICEPROVIDER_VMWARE_VI_SERVER, $url, 0, $user, $pw, 0, 0);
die "HostConnect $e" if $e;
(my $e2, my $vm) = VMOpen($h, $vmx);
die "VMOpen $e2" if $e2;
die "login" if VMLoginInGuest($vm, $guser, $gpw, 0);
my $up = VMCopyFileFromHostToGuest($vm, $in, '/tmp/t72/big', 0, 0);
my $down = VMCopyFileFromGuestToHost($vm, '/tmp/t72/big', $out, 0, 0);
open my $st, '<', '/proc/self/status' or die;
my ($hwm) = map { /^VmHWM:\s+(\d+)/ ? $1 : () } <$st>;
print "$up $down $hwm\n";
HostDisconnect($h);
PERL
    my $gpw = $g->{password};
    utf8::encode($gpw);
    my @args = map { unpack 'H*', $_ } $g->{sim}{url}, $g->{sim}{user}, $g->{sim}{password}, $g->{vmx},
        $g->{user}, $gpw, $big, "$local/big.out";
    my $t0 = time;
    spew("$local/copier.pl", $script);
    open my $run, '-|', $^X, (map { "-I$_" } grep { !ref } @INC), "$local/copier.pl", @args or die "$^X: $!";
    my $res = do { local $/; <$run> };
    close $run;
    my ($up, $down, $hwm_kb) = split ' ', $res // '';
    is $up, VIX_OK, "$mib MiB copied into the guest";
    is $down, VIX_OK, 'and out again';
    is -e "$tree/tmp/t72/big" ? sha("$tree/tmp/t72/big") : 'missing', $want, 'identical in the guest';
    is -e "$local/big.out" ? sha("$local/big.out") : 'missing', $want, 'identical on the host';
    note sprintf '%.1f s for both copies', time - $t0;
    cmp_ok $hwm_kb // 1e9, '<', $mib * 1024 / 2, "peak RSS ${\ ($hwm_kb // '?')} kB, far below the file's $mib MiB";
    unlink $big, "$local/big.out";
};

subtest 'scripts' => sub {
    my @before = glob "$tree/tmp/vix*";
    is VMRunScriptInGuest($vm, '', "echo hi ☺ > /tmp/t72/script-out\nexit 4\n", 0, 0), VIX_OK,
        'VMRunScriptInGuest (default /bin/sh); exit code 4 is not a failure' or diag GetLastErrorDetail();
    is slurp("$tree/tmp/t72/script-out"), encode('UTF-8', "hi ☺\n"), 'the script ran';
    is_deeply [glob "$tree/tmp/vix*"], \@before, 'its file was deleted';
    is VMRunScriptInGuest($vm, '/bin/sh', "echo two > /tmp/t72/script-out", 0, 0), VIX_OK, 'an interpreter';
    is slurp("$tree/tmp/t72/script-out"), "two\n", 'ran';
    is VMRunScriptInGuest($vm, '/bin/sh', "sleep 1", VIX_RUNPROGRAM_RETURN_IMMEDIATELY, 0), VIX_OK,
        'RETURN_IMMEDIATELY';
    is scalar(my @after = glob "$tree/tmp/vix*"), @before + 1, 'leaves its file in the guest temp directory';
    is VMRunScriptInGuest($vm, '/no/such/shell', "true", 0, 0), VIX_E_FILE_NOT_FOUND, 'a missing interpreter';
};

subtest 'bad input: clear codes, nothing sent' => sub {
    my @path_calls = (
        [VMDeleteFileInGuest => sub { VMDeleteFileInGuest($_[0], $_[1]) }],
        [VMFileExistsInGuest => sub { VMFileExistsInGuest($_[0], $_[1]) }],
        [VMDirectoryExistsInGuest => sub { VMDirectoryExistsInGuest($_[0], $_[1]) }],
        [VMListDirectoryInGuest => sub { VMListDirectoryInGuest($_[0], $_[1], $_[2] // 0) }],
        [VMCreateDirectoryInGuest => sub { VMCreateDirectoryInGuest($_[0], $_[1], $_[3] // 0) }],
        [VMDeleteDirectoryInGuest => sub { VMDeleteDirectoryInGuest($_[0], $_[1], $_[2] // 0) }],
        [VMGetFileInfoInGuest => sub { VMGetFileInfoInGuest($_[0], $_[1]) }],
        [VMRenameFileInGuest => sub { VMRenameFileInGuest($_[0], $_[1], '/tmp/t72/z', $_[2] // 0, $_[3] // 0) }],
        [VMRenameFileInGuest_new => sub { VMRenameFileInGuest($_[0], '/tmp/t72/plain', $_[1], $_[2] // 0, $_[3] // 0) }],
        [VMCopyFileFromHostToGuest => sub { VMCopyFileFromHostToGuest($_[0], "$local/small", $_[1], $_[2] // 0, $_[3] // 0) }],
        [VMCopyFileFromHostToGuest_local => sub { VMCopyFileFromHostToGuest($_[0], $_[1], '/tmp/t72/x', $_[2] // 0, $_[3] // 0) }],
        [VMCopyFileFromGuestToHost => sub { VMCopyFileFromGuestToHost($_[0], $_[1], "$local/x", $_[2] // 0, $_[3] // 0) }],
        [VMCopyFileFromGuestToHost_local => sub { VMCopyFileFromGuestToHost($_[0], '/tmp/t72/plain', $_[1], $_[2] // 0, $_[3] // 0) }],
    );
    my $n = sent($g, sub {
        for (@path_calls) {
            my ($name, $f) = @$_;
            my @r = $f->(undef, '/tmp/t72/plain');
            is_deeply \@r, [VIX_E_INVALID_HANDLE], "$name: undef handle, the code alone";
            is +($f->(12345678, '/tmp/t72/plain'))[0], VIX_E_INVALID_HANDLE, "$name: unknown handle";
            is +($f->($host, '/tmp/t72/plain'))[0], VIX_E_NOT_SUPPORTED_ON_HANDLE_TYPE, "$name: host handle";
            is +($f->($vm, undef))[0], VIX_E_INVALID_ARG, "$name: undef path";
            is +($f->($vm, ''))[0], VIX_E_INVALID_ARG, "$name: empty path";
            is +($f->($vm, ['/tmp']))[0], VIX_E_INVALID_ARG, "$name: a ref path";
            is +($f->($vm, "/tmp/\0x"))[0], VIX_E_INVALID_ARG, "$name: NUL";
            is +($f->($vm, "/tmp/\xff"))[0], VIX_E_INVALID_UTF8_STRING, "$name: not UTF-8";
        }
        for (grep { $_->[0] =~ /List|DeleteDir|Rename|Copy/ } @path_calls) {
            my ($name, $f) = @$_;
            is +($f->($vm, '/tmp/t72/plain', 1))[0], VIX_E_INVALID_ARG, "$name: options must be 0";
            is +($f->($vm, '/tmp/t72/plain', 2**66))[0], VIX_E_INVALID_ARG, "$name: huge options";
        }
        for (grep { $_->[0] =~ /CreateDir|Rename|Copy/ } @path_calls) {
            my ($name, $f) = @$_;
            is +($f->($vm, '/tmp/t72/plain', 0, 7))[0], VIX_E_INVALID_ARG, "$name: a property list handle";
        }
        my @r = VMCreateTempFileInGuest(undef, 0, 0);
        is_deeply \@r, [VIX_E_INVALID_HANDLE], 'VMCreateTempFileInGuest: undef handle';
        is +(VMCreateTempFileInGuest($host, 0, 0))[0], VIX_E_NOT_SUPPORTED_ON_HANDLE_TYPE, 'host handle';
        is +(VMCreateTempFileInGuest($vm, 1, 0))[0], VIX_E_INVALID_ARG, 'options';
        is +(VMCreateTempFileInGuest($vm, 0, $vm))[0], VIX_E_INVALID_ARG, 'a handle as property list';
    });
    is $n, 0, 'nothing sent for any of them';

    my ($e, $vm2) = open_vm($host, $g->{vmx});
    $n = sent($g, sub {
        is VMDeleteFileInGuest($vm2, '/tmp/t72/plain'), VIX_E_GUEST_USER_PERMISSIONS, 'not logged in';
        is +(VMFileExistsInGuest($vm2, '/tmp/t72/plain'))[0], VIX_E_GUEST_USER_PERMISSIONS, 'not logged in';
        is VMCopyFileFromHostToGuest($vm2, "$local/nope", '/tmp/x', 0, 0), VIX_E_GUEST_USER_PERMISSIONS,
            'the login is checked before the local file';
    });
    is $n, 0, 'nothing sent';
    ReleaseHandle($vm2);
    is VMDeleteFileInGuest($vm2, '/tmp/t72/plain'), VIX_E_INVALID_HANDLE, 'a released handle';
};

done_testing;
