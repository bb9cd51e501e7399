<?php

declare(strict_types=1);

namespace Tests\Binding;

use Bigperson\ModulposApiClient\Client;
use Tests\TestCase;

/**
 * The library's per-process agent cache seen from PHP, through the sandbox's count of accepted
 * TCP connections (every counters request adds one of its own): new Client objects with the same
 * credentials reuse one keep-alive connection, and a child made by fork() never uses the
 * connection its parent opened (it opens its own; the parent keeps using its one).
 */
class ConnectionReuseTest extends TestCase
{
    public function testNewClientsWithTheSameCredentialsReuseOneConnection(): void
    {
        Sandbox::require();
        $first = Sandbox::client();
        $first->getStatusFiscalService();
        [$login, $password] = $this->credentials($first);

        $before = Sandbox::counters()['connections'];
        for ($i = 0; $i < 5; $i++) {
            (new Client($login, $password, true))->getStatusFiscalService();
        }
        $after = Sandbox::counters()['connections'];

        $this->assertSame(1, $after - $before, 'five clients, no new connection (only the counters request)');
    }

    public function testAForkedChildNeverUsesItsParentsConnection(): void
    {
        Sandbox::require();
        if (!function_exists('pcntl_fork')) {
            $this->markTestSkipped('no pcntl extension');
        }
        [$login, $password] = $this->credentials(Sandbox::client());
        $code = sprintf(
            'require %s;
            $counters = function () { return json_decode(file_get_contents(%s), true)["connections"]; };
            $client = new Bigperson\ModulposApiClient\Client(%s, %s, true);
            $client->getStatusFiscalService();
            $c0 = $counters();
            $pid = pcntl_fork();
            if ($pid === 0) { $client->getStatusFiscalService(); exit(0); }
            pcntl_waitpid($pid, $status);
            $c1 = $counters();
            $client->getStatusFiscalService();
            $c2 = $counters();
            echo json_encode([pcntl_wexitstatus($status), $c1 - $c0, $c2 - $c1]);',
            var_export(dirname(__DIR__, 2) . '/autoload.php', true),
            var_export(Sandbox::root() . '/sandbox/counters', true),
            var_export($login, true),
            var_export($password, true)
        );

        [$exit, $out, $err] = Subprocess::php($code);

        $this->assertSame(0, $exit, $out . $err);
        // [child's exit code, connections during the child's call + 1, during the parent's next call + 1]
        $this->assertSame('[0,2,1]', $out, 'the child opens its own connection; the parent reuses its own');
    }

    /** @return array{0: string, 1: string} */
    private function credentials(Client $client): array
    {
        $login = (new \ReflectionProperty(Client::class, 'login'));
        $login->setAccessible(true);
        $password = (new \ReflectionProperty(Client::class, 'password'));
        $password->setAccessible(true);

        return [(string) $login->getValue($client), (string) $password->getValue($client)];
    }
}
