-- wrk script for claim A4: POST /v1/predict with realizar's P1 input x[j] = (j % 256) / 255 for
-- the 784-feature MNIST logistic regression (the same vector `rz predict --demo` uses).
local x = {}
for j = 0, 783 do
  x[#x + 1] = string.format("%.6f", (j % 256) / 255)
end
wrk.method = "POST"
wrk.path = "/v1/predict"
wrk.body = '{"input":[' .. table.concat(x, ",") .. ']}'
wrk.headers["Content-Type"] = "application/json"
