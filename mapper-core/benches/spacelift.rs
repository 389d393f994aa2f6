//! Mapping the Spacelift request with its mapping, per event (criterion; prints events/s as
//! "thrpt").

mod common;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use mapper_core::{Mapper, MapperOptions, Request};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let (config, request) = common::spacelift();
    let mapper = Mapper::from_json(&config, MapperOptions::default()).unwrap();
    let parsed = Request::from_json(&request).unwrap();
    assert_eq!(
        mapper.map(&parsed).entities.len(),
        1,
        "the benchmark maps the real entity"
    );
    let mut g = c.benchmark_group("spacelift");
    g.throughput(Throughput::Elements(1));
    g.bench_function("map (request already parsed)", |b| {
        b.iter(|| black_box(mapper.map(black_box(&parsed))))
    });
    g.bench_function("map_json (parse + map)", |b| {
        b.iter(|| black_box(mapper.map_json(black_box(&request)).unwrap()))
    });
    g.bench_function("map_json + serialize result", |b| {
        b.iter(|| black_box(serde_json::to_vec(&mapper.map_json(black_box(&request)).unwrap()).unwrap()))
    });
    g.bench_function("compile the config", |b| {
        b.iter(|| black_box(Mapper::from_json(black_box(&config), MapperOptions::default()).unwrap()))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
