#!perl
# vixrun linked or copied as "vmrun" must not be taken for a VMware
# Workstation/Player installation by HostConnect's local-provider check
# (native/src/host.cpp, find_vmrun), nor must a directory named vmrun.
# find_vmrun takes only an executable regular file that is not vixrun, by
# its resolved path or by the marker on bin/vixrun's second line.
use strict;
use warnings;
use Test::More;
use Cwd qw(abs_path);
use File::Copy qw(copy);
use File::Temp qw(tempdir);
use FindBin;
use lib "$FindBin::Bin/lib";
use VixTest qw(repo_root);

use VMware::Vix::Simple;
use VMware::Vix::API::Constants;

my $root = repo_root();
my $vixrun = -f "$root/blib/script/vixrun" ? "$root/blib/script/vixrun" : "$root/bin/vixrun";

# A real installation on this machine would make every case pass for the
# wrong reason (find_vmrun also looks in these directories).
for my $d ('/usr/bin', '/usr/local/bin', '/usr/lib/vmware/bin') {
    plan skip_all => "a vmrun is installed in $d" if -e "$d/vmrun";
}

my $tmp = tempdir(CLEANUP => 1);
my $saved_path = $ENV{PATH};

# HostConnect with PATH = $dir (plus the system directories for perl itself).
sub local_connect {
    my ($dir, $provider) = @_;
    local $ENV{PATH} = "$dir:/nonexistent";
    my ($err, $h) = HostConnect(VIX_API_VERSION, $provider, undef, 0, undef, undef, 0, VIX_INVALID_HANDLE);
    HostDisconnect($h) if $h;
    return $err;
}

# Control: an executable named vmrun that is not vixrun is accepted, so the
# cases below would see the check at work.
{
    my $d = "$tmp/real";
    mkdir $d or die;
    open my $fh, '>', "$d/vmrun" or die;
    print {$fh} "#!/bin/sh\necho 'vmrun version 1.17.0 build-0'\n";
    close $fh;
    chmod 0755, "$d/vmrun";
    is(local_connect($d, VIX_SERVICEPROVIDER_VMWARE_WORKSTATION), VIX_OK,
       'control: another executable named vmrun counts as an installation');
}

my %cases;
{
    my $d = "$tmp/symlink";
    mkdir $d or die;
    symlink(abs_path($vixrun), "$d/vmrun") or die "symlink: $!";
    $cases{'a symlink named vmrun to vixrun'} = $d;
}
{
    my $d = "$tmp/chain";
    mkdir $d or die;
    symlink(abs_path($vixrun), "$tmp/vixrun-link") or die;
    symlink("$tmp/vixrun-link", "$d/vmrun") or die;
    $cases{'a symlink named vmrun to a symlink to vixrun'} = $d;
}
{
    my $d = "$tmp/copy";
    mkdir $d or die;
    copy($vixrun, "$d/vmrun") or die "copy: $!";
    chmod 0755, "$d/vmrun";
    $cases{'a copy of vixrun named vmrun'} = $d;
}
{
    my $d = "$tmp/dir";
    mkdir $d or die;
    mkdir "$d/vmrun" or die;    # access(X_OK) is true for a directory
    $cases{'a directory named vmrun'} = $d;
}

{
    for my $name (sort keys %cases) {
        is(local_connect($cases{$name}, VIX_SERVICEPROVIDER_VMWARE_WORKSTATION),
           VIX_E_WRAPPER_WORKSTATION_NOT_INSTALLED, "Workstation: $name is no installation");
        is(local_connect($cases{$name}, VIX_SERVICEPROVIDER_VMWARE_PLAYER),
           VIX_E_WRAPPER_PLAYER_NOT_INSTALLED, "Player: $name is no installation");
    }

    # The user's view: vixrun -T ws, run through the link.
    my $d = $cases{'a symlink named vmrun to vixrun'};
    local $ENV{PATH} = "$d:$saved_path";
    local $ENV{PERL5LIB} = join ":", grep { !ref } @INC;
    my $out = `"$d/vmrun" -T ws list 2>&1`;
    my $status = $? >> 8;
    is($out, "Error: VMware Workstation is not installed\n", 'vmrun -T ws list (vixrun) says Workstation is not installed');
    is($status, 255, '... and exits 255 (an error either way)');
}

# The marker the native check can look for is in the script's first lines,
# where MakeMaker's installation (which rewrites line 1) leaves it.
open my $fh, '<', $vixrun or die;
my $head = '';
read($fh, $head, 1024);
like($head, qr/^# VMware::Vix::Simple vixrun: not VMware's vmrun/m, 'vixrun carries its marker in its first 1 KiB');

done_testing;
