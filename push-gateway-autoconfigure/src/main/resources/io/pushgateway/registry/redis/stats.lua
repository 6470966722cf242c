-- Cluster-wide counts: { nodes, connections, users }. ARGV[1] key prefix.
local p = ARGV[1]
local nodes = redis.call('ZRANGE', p .. ':nodes', 0, -1)
local connections = 0
for _, node in ipairs(nodes) do connections = connections + redis.call('SCARD', p .. ':node:clients:' .. node) end
return { #nodes, connections, redis.call('SCARD', p .. ':users') }
